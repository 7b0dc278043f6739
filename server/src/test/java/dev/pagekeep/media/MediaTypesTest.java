package dev.pagekeep.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MediaTypesTest {
  @Test
  void theEssenceIsTheLowerCaseTypeWithoutParameters() {
    assertThat(MediaTypes.essence("Text/HTML; charset=ISO-8859-1")).isEqualTo("text/html");
    assertThat(MediaTypes.essence("  application/xhtml+xml ")).isEqualTo("application/xhtml+xml");
    assertThat(MediaTypes.essence(null)).isEmpty();
    assertThat(MediaTypes.essence(";charset=utf-8")).isEmpty();
  }

  @Test
  void htmlIsHtmlOrXhtmlWhateverItsParameters() {
    assertThat(MediaTypes.isHtml("text/html;charset=utf-8")).isTrue();
    assertThat(MediaTypes.isHtml("APPLICATION/XHTML+XML")).isTrue();
    assertThat(MediaTypes.isHtml("text/plain, text/html")).isFalse();
    assertThat(MediaTypes.isHtml(null)).isFalse();
  }

  @Test
  void theCharsetLabelIsReadQuotedOrNotAndRefusedWhenItIsNotAToken() {
    assertThat(MediaTypes.charsetLabel("text/html; charset=\"Shift_JIS\"")).isEqualTo("Shift_JIS");
    assertThat(MediaTypes.charsetLabel("text/css;CHARSET = utf-8;x=y")).isEqualTo("utf-8");
    assertThat(MediaTypes.charsetLabel("text/html")).isNull();
    assertThat(MediaTypes.charsetLabel("text/html; charset=\"a\r\nSet-Cookie:x\"")).isEqualTo("a");
    assertThat(MediaTypes.charsetLabel("text/html; charset=" + "x".repeat(41))).isNull();
  }

  @Test
  void aContentTypeNamesACharsetThroughTheWhatwgLabels() {
    assertThat(Charsets.fromContentType("text/html; charset=latin1")).isEqualTo(java.nio.charset.Charset.forName("windows-1252"));
    assertThat(Charsets.fromContentType("text/html; charset=utf-8")).isEqualTo(StandardCharsets.UTF_8);
    assertThat(Charsets.fromContentType("text/html; charset=no-such-charset")).isNull();
    assertThat(Charsets.fromContentType(null)).isNull();
  }
}
