package dev.pagekeep.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DocumentsTest {
  @Test
  void normaliseCollapsesAsciiWhitespaceAndNbspRunsAndStrips() {
    assertThat(Documents.normalise("  a \t\n b\u00a0\u00a0c \r\f ")).isEqualTo("a b c");
    assertThat(Documents.normalise("one")).isEqualTo("one");
    assertThat(Documents.normalise("")).isEmpty();
    assertThat(Documents.normalise(" \n\t\u00a0 ")).isEmpty();
    assertThat(Documents.normalise("日本  語\u00a0ü")).isEqualTo("日本 語 ü");
    // Other Unicode spaces stay inside the text but not at its ends.
    assertThat(Documents.normalise("\u3000x\u2003y\u3000")).isEqualTo("x\u2003y");
  }

  @Test
  void normaliseOfACharRangeLeavesTheRestOfTheBufferAlone() {
    char[] buf = "a  b  |tail".toCharArray();
    assertThat(Documents.normalise(buf, 6)).isEqualTo("a b");
    assertThat(new String(buf, 6, 5)).isEqualTo("|tail");
  }

  @Test
  void aNulPastTheBinaryProbeBecomesAReplacementCharacter() {
    byte[] page = ("<p>" + "x".repeat(1100) + "a\0b</p>").getBytes(StandardCharsets.UTF_8);
    assertThat(Documents.parse(page, "text/html", "http://x.test/").doc().text()).endsWith("xa\uFFFDb");
    assertThat(Documents.parse("<p>a b</p>".getBytes(StandardCharsets.UTF_8), "text/html", "http://x.test/").doc().text())
        .isEqualTo("a b");
  }
}
