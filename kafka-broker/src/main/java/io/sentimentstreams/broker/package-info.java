/**
 * A real Apache Kafka broker without Docker: {@link io.sentimentstreams.broker.BrokerProcess} runs
 * {@code kafka.Kafka} (KRaft) in a child JVM from the broker classpath recorded at build time, for the
 * launcher, the benches and the test kit; {@link io.sentimentstreams.broker.BrokerMain} ends that JVM
 * when its parent dies.
 */
package io.sentimentstreams.broker;
