package dev.pagekeep.page;

import gg.jte.Content;
import gg.jte.generated.precompiled.JtediffGenerated;
import gg.jte.generated.precompiled.JteerrorGenerated;
import gg.jte.generated.precompiled.JteexportindexGenerated;
import gg.jte.generated.precompiled.JteexportitemGenerated;
import gg.jte.generated.precompiled.JteexportreaderGenerated;
import gg.jte.generated.precompiled.JteloginGenerated;
import gg.jte.generated.precompiled.JteloginusedGenerated;
import gg.jte.generated.precompiled.JtenotarchivedGenerated;
import gg.jte.generated.precompiled.JteopeningGenerated;
import gg.jte.generated.precompiled.JtereaderGenerated;
import gg.jte.generated.precompiled.JtereplayGenerated;
import gg.jte.html.HtmlTemplateOutput;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import java.util.List;
import java.util.function.Consumer;

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
 * <p>Each page has a typed method here with the template's {@code @param}s in their order, calling the
 * class the jte plugin generated for it ({@code gg.jte.generated.precompiled.Jte<name>Generated}):
 * a missing, misspelt or mistyped parameter fails the build, not a render. (jte-models, jte's own
 * generator of such a facade, is not served by the registry this build uses.) The HTML is what
 * {@code TemplateEngine.render(name, params)} writes: the same generated code, the same escaping
 * output ({@link OwaspHtmlTemplateOutput}), no interceptor; {@code PagesTest} compares the two.
 *
 * <p>{@code replay.jte}, the replay page (banner and frame), is the one template outside the layout:
 * it has its own stylesheet ({@code replay.css}) and a markup kept exact for pixel-identical replay.
 */
public final class Pages {
  /** The one stylesheet of these pages, served on the UI and the replay origin (and written into an exported site). */
  public static final String STYLESHEET = "/ui/page.css";

  private Pages() {}

  /** {@code login.jte}: the page at {@code /} for a browser without a session. */
  public static String login() {
    return html(o -> JteloginGenerated.render(o, null));
  }

  /** {@code login-used.jte}: a login link that was already used or has expired. */
  public static String loginUsed() {
    return html(o -> JteloginusedGenerated.render(o, null));
  }

  /** {@code opening.jte}: a page that only runs {@code script} (a file under /ui/) to go on. */
  public static String opening(String title, String id, String text, String script) {
    return html(o -> JteopeningGenerated.render(o, null, title, id, text, script));
  }

  /** {@code error.jte} with a link back to {@code back}. */
  public static String error(String title, String message, String back) {
    return error(title, message, back, null);
  }

  /** {@code error.jte}, {@code code} (may be null) shown after the message as code. */
  public static String error(String title, String message, String back, String code) {
    return html(o -> JteerrorGenerated.render(o, null, title, message, back, code));
  }

  /** {@code not-archived.jte}; {@code web}: an http(s) address, which gets the button and the live link. */
  public static String notArchived(String url, boolean web) {
    return html(o -> JtenotarchivedGenerated.render(o, null, url, web));
  }

  /** {@code reader.jte}; {@code articleHtml} is inserted raw: reader text already cleaned by jsoup. */
  public static String reader(String title, String allVersions, String snapshot, String url, String when, String byline,
      String articleHtml) {
    return html(o -> JtereaderGenerated.render(o, null, title, allVersions, snapshot, url, when, byline, articleHtml));
  }

  /** {@code diff.jte}; {@code verdict} (may be null) stands instead of the rows. */
  public static String diff(String title, String url, String fromHref, String fromWhen, String toHref, String toWhen,
      int added, int removed, String verdict, List<DiffRow> rows) {
    return html(o -> JtediffGenerated.render(o, null, title, url, fromHref, fromWhen, toHref, toWhen, added, removed, verdict, rows));
  }

  /** {@code export-index.jte}: the exported site's index, {@code items} its lines. */
  public static String exportIndex(long count, Content items, String csp) {
    return html(o -> JteexportindexGenerated.render(o, null, count, items, csp));
  }

  /** {@code export-item.jte}: one line of the exported site's index. */
  public static String exportItem(String dir, String title, String url, String day) {
    return html(o -> JteexportitemGenerated.render(o, null, dir, title, url, day));
  }

  /** {@code export-reader.jte}; {@code articleHtml} is inserted raw: reader text already cleaned by jsoup. */
  public static String exportReader(String title, String url, String day, String hashUrl, String articleHtml, String csp) {
    return html(o -> JteexportreaderGenerated.render(o, null, title, url, day, hashUrl, articleHtml, csp));
  }

  /** The replay page's banner and frame ({@code replay.jte}, outside the layout). */
  public record Replay(String title, String day, String ts, String url, String framed, String prefix, String home,
      String prevHref, String prevWhen, String nextHref, String nextWhen, String iso, String when, String allHref, int pages,
      String readerHref, String changesHref, String alone, String sandbox) {}

  /** {@code replay.jte}. */
  public static String replay(Replay r) {
    return html(o -> JtereplayGenerated.render(o, null, r.title(), r.day(), r.ts(), r.url(), r.framed(), r.prefix(), r.home(),
        r.prevHref(), r.prevWhen(), r.nextHref(), r.nextWhen(), r.iso(), r.when(), r.allHref(), r.pages(), r.readerHref(),
        r.changesHref(), r.alone(), r.sandbox()));
  }

  /** What the precompiled engine does for content type HTML: the OWASP escaping output over a string. */
  private static String html(Consumer<HtmlTemplateOutput> template) {
    StringOutput out = new StringOutput(4096);
    template.accept(new OwaspHtmlTemplateOutput(out));
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
