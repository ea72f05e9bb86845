/**
 * Kafka client set-up that every service needs the same way and that the {@code topics} catalogue does not
 * cover: the stage times each record carries in its headers ({@link io.sentimentstreams.kafka.StageTimes}),
 * and making Kafka's LZ4 codec use its native library inside Quarkus ({@link io.sentimentstreams.kafka.NativeLz4}).
 */
package io.sentimentstreams.kafka;
