package dev.pagekeep.page;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Map;

/**
 * pagekeep's pages for people (login, not archived, reader, diff, errors, the exported site): jte
 * templates in {@code src/main/jte}, turned into Java classes at build time by the jte Maven plugin,
 * so the jar carries compiled templates and no template compiler. Every page is drawn in
 * {@code layout.jte} (doctype, language, charset, viewport, title, the one stylesheet
 * {@link #STYLESHEET}). The one escaping rule is jte's: content type HTML, so every {@code ${...}}
 * is escaped for where it stands (text, attribute); the only raw inserts ({@code $unsafe{articleHtml}} in
 * {@code reader.jte} and {@code export-reader.jte}) are reader text already cleaned by jsoup
 * ({@code ReaderView}, {@code ReaderText}). Nothing here writes an {@code esc()} of its own.
 *
 * <p>{@code replay.jte}, the replay page (banner and frame), is the one template outside the layout:
 * it has its own stylesheet ({@code replay.css}) and a markup kept exact for pixel-identical replay.
 */
public final class Pages {
  /** The one stylesheet of these pages, served on the UI and the replay origin (and written into an exported site). */
  public static final String STYLESHEET = "/ui/page.css";

  private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

  private Pages() {}

  /**
   * Renders template {@code name} (e.g. {@code "reader.jte"}) with its named parameters; a missing or
   * mistyped parameter fails here, and every template is rendered by the tests.
   */
  public static String render(String name, Map<String, Object> params) {
    StringOutput out = new StringOutput(4096);
    ENGINE.render(name, params, out);
    return out.toString();
  }

  /** {@code page.css}, the stylesheet, from the jar. */
  public static byte[] stylesheet() {
    try (java.io.InputStream in = Pages.class.getResourceAsStream(STYLESHEET)) {
      if (in == null) throw new IllegalStateException("the jar lacks " + STYLESHEET);
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + STYLESHEET + " from the jar", e);
    }
  }
}
