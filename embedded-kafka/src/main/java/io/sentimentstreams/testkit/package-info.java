/**
 * A real Apache Kafka broker without Docker: {@link io.sentimentstreams.testkit.BrokerProcess} runs
 * {@code kafka.Kafka} (KRaft) in a child JVM for the launcher and the service tests
 * ({@link io.sentimentstreams.testkit.KafkaTestResource}, {@link io.sentimentstreams.testkit.TestBroker});
 * {@link io.sentimentstreams.testkit.InProcessKafka} wraps {@code KafkaClusterTestKit} for plain tests.
 */
package io.sentimentstreams.testkit;
