package io.sentimentstreams.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {

    @TempDir
    Path dir;

    private Path write(final String name, final byte[] bytes) throws IOException {
        final Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private Path write(final String name, final String text) throws IOException {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void malformedImdbRowsAreSkippedAndReportedWithLineNumbers() throws Exception {
        final byte[] head = ("label\ttext\tid\n"
                + "1\tGreat film\t0_9\n"
                + "\tno label here\t1_8\n"
                + "2\tlabel out of range\t2_7\n"
                + "0\t   \t3_2\n"
                + "0\tonly two fields\n"
                + "0\tfine but bad bytes: ").getBytes(StandardCharsets.UTF_8);
        final byte[] bad = {(byte) 0xC3, (byte) 0x28};
        final byte[] tail = "\t4_1\n0\tDull\t5_1\n".getBytes(StandardCharsets.UTF_8);
        final byte[] all = new byte[head.length + bad.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bad, 0, all, head.length, bad.length);
        System.arraycopy(tail, 0, all, head.length + bad.length, tail.length);
        final Dataset ds = DatasetReader.read(write("imdb.tsv", all), ReadOptions.of(DatasetFormat.IMDB));

        assertThat(ds.rows()).extracting(LabeledText::id).containsExactly("0_9", "5_1");
        assertThat(ds.rows()).extracting(LabeledText::label).containsExactly(1, 0);
        assertThat(ds.badRows()).extracting(BadRow::toString).containsExactly(
                "line 3: missing label",
                "line 4: label must be 0 or 1, got '2'",
                "line 5: empty text",
                "line 6: expected 3 TAB-separated fields, got 2",
                "line 7: not valid UTF-8");
        assertThat(ds.rowsRead()).isEqualTo(7);
    }

    @Test
    void strictModeFailsOnTheFirstBadRow() throws Exception {
        final Path p = write("imdb.tsv", "label\ttext\tid\n1\tok\ta\n7\tbad\tb\n\tworse\tc\n");
        assertThatThrownBy(() -> DatasetReader.read(p, ReadOptions.of(DatasetFormat.IMDB).strict(true)))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("line 3").hasMessageContaining("label must be 0 or 1");
    }

    @Test
    void nsmcSplitsOnTabsOnlySoQuotesStayInTheText() throws Exception {
        final Path p = write("nsmc.tsv", "id\tdocument\tlabel\n"
                + "9976970\t\"\"\"아 더빙.. 진짜 짜증나네요 목소리\t0\n"
                + "3819312\t흠...포스터보고 \"초딩\"영화줄....\t1\n"
                + "10265843\t\t0\n");
        final Dataset ds = DatasetReader.read(p, ReadOptions.of(DatasetFormat.NSMC));
        assertThat(ds.rows()).extracting(LabeledText::text)
                .containsExactly("\"\"\"아 더빙.. 진짜 짜증나네요 목소리", "흠...포스터보고 \"초딩\"영화줄....");
        assertThat(ds.rows()).extracting(LabeledText::id).containsExactly("9976970", "3819312");
        assertThat(ds.badRows()).extracting(BadRow::toString).containsExactly("line 4: empty text");
    }

    @Test
    void gzipIsDetectedByItsMagicBytesNotTheFileName() throws Exception {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write("label\ttext\tid\n1\tgood\tx\n0\tbad\ty\n".getBytes(StandardCharsets.UTF_8));
        }
        final Dataset ds = DatasetReader.read(write("no-extension", bytes.toByteArray()),
                ReadOptions.of(DatasetFormat.IMDB));
        assertThat(ds.rows()).hasSize(2);
        assertThat(ds.sha256()).hasSize(64);
    }

    @Test
    void wrongHeaderForTheFormatIsAnError() throws Exception {
        final Path p = write("x.tsv", "id\tdocument\tlabel\n1\tok\t1\n");
        assertThatThrownBy(() -> DatasetReader.read(p, ReadOptions.of(DatasetFormat.IMDB)))
                .isInstanceOf(DatasetException.class).hasMessageContaining("expected header");
    }

    @Test
    void genericTsvUsesNamedColumns() throws Exception {
        final Path p = write("x.tsv", "sentence\tscore\n fine movie \t1\nawful\t0\n");
        final Dataset ds = DatasetReader.read(p, ReadOptions.of(DatasetFormat.TSV).columns("sentence", "score"));
        assertThat(ds.rows()).extracting(LabeledText::text).containsExactly(" fine movie ", "awful");
        assertThat(ds.rows()).extracting(LabeledText::id).containsExactly("line:2", "line:3");
    }

    @Test
    void unknownColumnIsAnError() throws Exception {
        final Path p = write("x.tsv", "sentence\tscore\nfine\t1\n");
        assertThatThrownBy(() -> DatasetReader.read(p, ReadOptions.of(DatasetFormat.TSV)))
                .isInstanceOf(DatasetException.class).hasMessageContaining("no label column 'label'");
    }

    @Test
    void csvHandlesQuotedCommasQuotesAndNewlines() throws Exception {
        final Path p = write("x.csv", "id,review,label\r\n"
                + "a,\"Good, really \"\"good\"\"\nsecond line\",1\r\n"
                + "b,plain,0\n"
                + "c,too,many,1\n"
                + "d,\"never closed,1\n");
        final Dataset ds = DatasetReader.read(p, ReadOptions.of(DatasetFormat.CSV).columns("review", "label"));
        assertThat(ds.rows()).extracting(LabeledText::text)
                .containsExactly("Good, really \"good\"\nsecond line", "plain");
        assertThat(ds.badRows()).extracting(BadRow::toString).containsExactly(
                "line 5: expected 3 fields, got 4",
                "line 6: unterminated quoted field starting on line 6");
    }

    @Test
    void jsonLinesAcceptsNumbersStringsAndBooleansAsLabels() throws Exception {
        final Path p = write("x.jsonl", "{\"text\":\"great\",\"label\":1,\"id\":\"r1\"}\n"
                + "{\"text\":\"awful\",\"label\":\"0\"}\n"
                + "{\"text\":\"fine\",\"label\":true}\n"
                + "not json\n"
                + "{\"text\":\"no label\"}\n"
                + "[1,2]\n");
        final Dataset ds = DatasetReader.read(p, ReadOptions.of(DatasetFormat.JSONL));
        assertThat(ds.rows()).extracting(LabeledText::label).containsExactly(1, 0, 1);
        assertThat(ds.rows().get(0).id()).isEqualTo("r1");
        assertThat(ds.badRows()).extracting(BadRow::toString).containsExactly(
                "line 4: not JSON", "line 5: missing label", "line 6: not a JSON object");
    }

    @Test
    void aclImdbDirectoryReadsPosAndNegFiles() throws Exception {
        final Path split = dir.resolve("aclImdb/train");
        Files.createDirectories(split.resolve("pos"));
        Files.createDirectories(split.resolve("neg"));
        Files.writeString(split.resolve("pos/0_9.txt"), "Loved it.<br />Really.");
        Files.writeString(split.resolve("neg/1_2.txt"), "Hated\tit.");
        Files.write(split.resolve("neg/2_1.txt"), new byte[] {(byte) 0xff, (byte) 0xfe});
        final Dataset ds = DatasetReader.read(split, ReadOptions.of(DatasetFormat.ACLIMDB));
        assertThat(ds.rows()).extracting(LabeledText::id).containsExactly("pos/0_9", "neg/1_2");
        assertThat(ds.rows()).extracting(LabeledText::label).containsExactly(1, 0);
        assertThat(ds.rows().get(1).text()).isEqualTo("Hated it.");
        assertThat(ds.badRows()).extracting(BadRow::toString).containsExactly("neg/2_1.txt: not valid UTF-8");
        assertThatThrownBy(() -> DatasetReader.read(dir.resolve("aclImdb"), ReadOptions.of(DatasetFormat.ACLIMDB)))
                .isInstanceOf(DatasetException.class).hasMessageContaining("no pos/ and neg/");
    }

    @Test
    void missingFileIsAClearError() {
        assertThatThrownBy(() -> DatasetReader.read(dir.resolve("nope.tsv"), ReadOptions.of(DatasetFormat.IMDB)))
                .isInstanceOf(DatasetException.class).hasMessageContaining("no such dataset");
    }
}
