package io.sentimentstreams.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NormalizerTest {

    private final Normalizer nfc = new Normalizer(false, true);

    @Test
    void htmlBreaksAndTagsBecomeSpaces() {
        assertThat(nfc.normalize("Great.<br /><br />I <i>loved</i> it<BR>")).isEqualTo("Great. I loved it");
        assertThat(nfc.normalize("a < b and <3 and x<y")).isEqualTo("a < b and <3 and x<y");
    }

    @Test
    void entitiesAreDecoded() {
        assertThat(nfc.normalize("Tom &amp; Jerry &quot;hi&quot; &#39;x&#39; &#x41;&nbsp;b &bogus;"))
                .isEqualTo("Tom & Jerry \"hi\" 'x' A b &bogus;");
    }

    @Test
    void whitespaceCollapsesAndTrims() {
        assertThat(nfc.normalize("  a \t\n b\u00a0\u3000c  ")).isEqualTo("a b c");
        assertThat(nfc.normalize("plain text")).isSameAs("plain text".intern()).isEqualTo("plain text");
    }

    @Test
    void unicodeNfcAndOptionalNfkc() {
        assertThat(nfc.normalize("cafe\u0301")).isEqualTo("café");
        assertThat(nfc.normalize("\u1100\u1161")).isEqualTo("가");
        assertThat(nfc.normalize("ｆｕｌｌ")).isEqualTo("ｆｕｌｌ");
        assertThat(new Normalizer(true, true).normalize("ｆｕｌｌ ①")).isEqualTo("full 1");
    }

    @Test
    void invalidUtf16AndControlCharactersAreDefined() {
        assertThat(nfc.normalize("a\uD800b\uDC00c")).isEqualTo("a\uFFFDb\uFFFDc");
        assertThat(nfc.normalize("😀ok")).isEqualTo("😀ok");
        assertThat(nfc.normalize("a\u0000b\u0007c\u009fd")).isEqualTo("a b c d");
        assertThat(nfc.normalize("\uFEFFbom\u200Bzw")).isEqualTo("bom zw");
        assertThat(nfc.normalize(null)).isEmpty();
    }

    @Test
    void htmlCanBeKept() {
        assertThat(new Normalizer(false, false).normalize("a<br />b &amp;")).isEqualTo("a<br />b &amp;");
    }
}
