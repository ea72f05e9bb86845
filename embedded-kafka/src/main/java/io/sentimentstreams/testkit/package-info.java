/**
 * Kafka for tests: {@link io.sentimentstreams.testkit.TestBroker} shares one child-JVM broker
 * ({@link io.sentimentstreams.broker.BrokerProcess}) with every catalogue topic per test JVM,
 * {@link io.sentimentstreams.testkit.KafkaTestResource} points {@code @QuarkusTest} apps at it, and
 * {@link io.sentimentstreams.testkit.InProcessKafka} wraps {@code KafkaClusterTestKit} for plain tests.
 */
package io.sentimentstreams.testkit;
