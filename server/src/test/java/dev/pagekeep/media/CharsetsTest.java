package dev.pagekeep.media;

import dev.pagekeep.capture.HtmlCapture;
import dev.pagekeep.capture.ParsedPage;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CharsetsTest {
  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
  private static final Charset WINDOWS_31J = Charset.forName("windows-31j");

  private static byte[] bytes(String s, Charset cs) {
    return s.getBytes(cs);
  }

  @Test
  void headerCharsetWinsOverMetaDeclaration() {
    byte[] body = bytes("<meta charset=utf-8><p>caf\u00e9", WINDOWS_1252);
    assertThat(Charsets.detect(body, "text/html; charset=\"ISO-8859-1\"")).isEqualTo(WINDOWS_1252);
  }

  @Test
  void byteOrderMarkWinsOverHeaderAsInBrowsers() {
    byte[] body = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'h', 'i'};
    assertThat(Charsets.detect(body, "text/html; charset=windows-1252")).isEqualTo(StandardCharsets.UTF_8);
    assertThat(Charsets.detect(new byte[] {(byte) 0xFF, (byte) 0xFE, '<', 0}, null)).isEqualTo(StandardCharsets.UTF_16LE);
  }

  @Test
  void readsMetaCharsetAndHttpEquivDeclarations() {
    assertThat(Charsets.detect(bytes("<head><meta charset='Shift_JIS'>", WINDOWS_31J), null)).isEqualTo(WINDOWS_31J);
    assertThat(Charsets.detect(bytes("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">",
        WINDOWS_1252), "text/html")).isEqualTo(WINDOWS_1252);
    assertThat(Charsets.detect(bytes("<?xml version='1.0' encoding='ISO-8859-1'?><html>", WINDOWS_1252), null))
        .isEqualTo(WINDOWS_1252);
    assertThat(Charsets.detect(bytes("<meta charset=utf-16>", WINDOWS_1252), null)).isEqualTo(StandardCharsets.UTF_8);
  }

  @Test
  void undeclaredBytesAreUtf8WhenValidElseWindows1252() {
    assertThat(Charsets.detect(bytes("<p>caf\u00e9 \u65e5\u672c", StandardCharsets.UTF_8), null)).isEqualTo(StandardCharsets.UTF_8);
    assertThat(Charsets.detect(bytes("<p>caf\u00e9 \u201cquoted\u201d", WINDOWS_1252), null)).isEqualTo(WINDOWS_1252);
    assertThat(Charsets.detect(new byte[0], null)).isEqualTo(StandardCharsets.UTF_8);
  }

  @Test
  void ignoresUnknownOrMalformedLabels() {
    byte[] body = bytes("<meta charset=\"no-such-charset\"><p>x", StandardCharsets.UTF_8);
    assertThat(Charsets.detect(body, "text/html; charset=\u00e9\u00e9")).isEqualTo(StandardCharsets.UTF_8);
  }

  @Test
  void captureDecodesWindows1252AndShiftJisPagesCorrectly() {
    String japanese = "\u65e5\u672c\u8a9e\u306e\u30da\u30fc\u30b8";
    byte[] sjis = bytes("<html><head><meta http-equiv='Content-Type' content='text/html; charset=Shift_JIS'><title>"
        + japanese + "</title></head><body><p>\u3053\u3093\u306b\u3061\u306f</p></body></html>", WINDOWS_31J);
    byte[] latin = bytes("<title>Caf\u00e9 \u2013 \u20ac5</title><p>na\u00efve</p>", WINDOWS_1252);

    ParsedPage jp = HtmlCapture.parse(sjis, "text/html", "https://example.jp/");
    ParsedPage fr = HtmlCapture.parse(latin, "text/html", "https://example.fr/");

    assertThat(jp.title()).isEqualTo(japanese);
    assertThat(jp.text()).isEqualTo("\u3053\u3093\u306b\u3061\u306f");
    assertThat(jp.charset()).isEqualToIgnoringCase("windows-31j");
    assertThat(fr.title()).isEqualTo("Caf\u00e9 \u2013 \u20ac5");
    assertThat(fr.text()).isEqualTo("na\u00efve");
    assertThat(fr.charset()).isEqualTo("windows-1252");
  }
}
