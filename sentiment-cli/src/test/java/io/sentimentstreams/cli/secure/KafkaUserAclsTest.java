package io.sentimentstreams.cli.secure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaUserAclsTest {

    private static final Path BASE = Path.of("../deploy/k8s/base");

    @TempDir
    Path dir;

    @Test
    void theShippedManifestsBecomeOneBindingPerOperationForUserCnName() throws IOException {
        final Map<String, KafkaUserAcls> users = KafkaUserAcls.read(BASE).stream()
                .collect(Collectors.toMap(KafkaUserAcls::user, u -> u));
        assertThat(users).containsOnlyKeys("ingest-service", "preprocess-service", "inference-service", "trainer",
                "keda-lag-reader", "dlq-replay");
        assertThat(users.get("dlq-replay").bindings()).as("replay writes its ledger in its own transaction")
                .anyMatch(b -> b.pattern().resourceType() == ResourceType.TRANSACTIONAL_ID
                        && b.pattern().name().equals("sentiment-dlq-replay")
                        && b.entry().operation() == AclOperation.WRITE);
        final List<AclBinding> inference = users.get("inference-service").bindings();
        assertThat(inference).allMatch(b -> b.entry().principal().equals("User:CN=inference-service")
                && b.entry().host().equals("*") && b.entry().permissionType() == AclPermissionType.ALLOW);
        assertThat(inference).anyMatch(b -> b.pattern().resourceType() == ResourceType.TOPIC
                && b.pattern().name().equals("reviews.labeled") && b.pattern().patternType() == PatternType.PREFIXED
                && b.entry().operation() == AclOperation.WRITE);
        assertThat(inference).as("shadow results are written in the labeled records' transaction")
                .anyMatch(b -> b.pattern().resourceType() == ResourceType.TOPIC
                        && b.pattern().name().equals("reviews.shadow") && b.entry().operation() == AclOperation.WRITE);
        assertThat(users.get("trainer").bindings()).as("promote and rollback write in their own transaction")
                .anyMatch(b -> b.pattern().resourceType() == ResourceType.TRANSACTIONAL_ID
                        && b.pattern().name().equals("sentiment-rollout-") && b.pattern().patternType() == PatternType.PREFIXED
                        && b.entry().operation() == AclOperation.WRITE);
        assertThat(inference).noneMatch(b -> b.pattern().name().equals("sentiment.models")
                && b.entry().operation() == AclOperation.WRITE);
        assertThat(users.get("ingest-service").bindings()).anyMatch(b -> b.pattern().resourceType()
                == ResourceType.TRANSACTIONAL_ID && b.pattern().name().equals("sentiment-"));
        assertThat(users.values()).allMatch(u -> u.authentication().equals("tls"));
    }

    @Test
    void anUnknownOperationOrPatternIsAnErrorNamingTheEntry() {
        assertThatThrownBy(() -> parse("""
                kind: KafkaUser
                metadata: {name: x}
                spec:
                  authentication: {type: tls}
                  authorization:
                    type: simple
                    acls:
                      - resource: {type: topic, name: t, patternType: literal}
                        operations: [Reed]
                """)).hasMessageContaining("acls[0]").hasMessageContaining("Reed");
        assertThatThrownBy(() -> parse("""
                kind: KafkaUser
                metadata: {name: x}
                spec:
                  authentication: {type: tls}
                  authorization:
                    type: simple
                    acls:
                      - resource: {type: topic, name: t, patternType: glob}
                        operations: [Read]
                """)).hasMessageContaining("glob");
    }

    @Test
    void theLocalCertificatesNameTheUserAndChainToTheCa() throws Exception {
        final LocalSecurity security = LocalSecurity.create(dir, BASE);
        assertThat(security.userNames()).startsWith(LocalSecurity.ADMIN).contains("trainer");
        final CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        final X509Certificate ca;
        try (var in = Files.newInputStream(dir.resolve("ca.crt"))) {
            ca = (X509Certificate) x509.generateCertificate(in);
        }
        final X509Certificate user;
        try (var in = Files.newInputStream(dir.resolve("ingest-service.crt"))) {
            user = (X509Certificate) x509.generateCertificate(in);
        }
        assertThat(user.getSubjectX500Principal().getName()).isEqualTo("CN=ingest-service");
        user.verify(ca.getPublicKey());
        assertThat(Files.readString(dir.resolve("ingest-service.pem"))).startsWith("-----BEGIN PRIVATE KEY-----")
                .contains("-----BEGIN CERTIFICATE-----");
        final KeyStore broker = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(dir.resolve("broker.p12"))) {
            broker.load(in, security.broker().password().toCharArray());
        }
        assertThat(((X509Certificate) broker.getCertificate("broker")).getSubjectAlternativeNames())
                .anyMatch(san -> san.get(1).equals("127.0.0.1"));
        assertThat(security.environment("inference-service"))
                .containsEntry("KAFKA_SECURITY_PROTOCOL", "SSL")
                .containsEntry("KAFKA_SSL_KEYSTORE_TYPE", "PEM")
                .containsEntry("KAFKA_SSL_KEYSTORE_LOCATION", dir.resolve("inference-service.pem").toAbsolutePath()
                        .toString());
        assertThat(security.broker().superUsers()).containsExactly("User:CN=broker", "User:CN=admin");
    }

    private static KafkaUserAcls parse(final String yaml) throws IOException {
        return KafkaUserAcls.parse(new YAMLMapper().readTree(yaml), "test.yaml");
    }
}
