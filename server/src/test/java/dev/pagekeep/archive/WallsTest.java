package dev.pagekeep.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagekeep.capture.HtmlCapture;
import dev.pagekeep.capture.ParsedPage;
import dev.pagekeep.fetch.FetchResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Wall detection on inline pages, parsed as capture parses them. */
class WallsTest {
  private static final String URL = "https://news.example/article";

  private static Optional<String> wall(String html, String... headers) {
    return wallAt(URL, html, headers);
  }

  private static Optional<String> wallAt(String finalUrl, String html, String... headers) {
    byte[] body = html.getBytes(StandardCharsets.UTF_8);
    FetchResult r = new FetchResult(URL, finalUrl, 200, "text/html; charset=utf-8", List.of(headers), body, 1, List.of());
    ParsedPage parsed = HtmlCapture.parse(body, r.contentType(), finalUrl);
    return Walls.inPage(r, parsed.title(), parsed.text());
  }

  private static String article(String extra) {
    return "<!doctype html><title>How we archive</title><h1>How we archive</h1><p>"
        + "A long article with real paragraphs of text. ".repeat(120) + extra + "</p>";
  }

  @Test
  void anOrdinaryPageIsNotAWall() {
    assertThat(wall(article(""))).isEmpty();
    assertThat(wall("<!doctype html><title>Short note</title><p>Just a short note, no form.</p>")).isEmpty();
  }

  @Test
  void anArticleThatTalksAboutChallengesIsNotAWall() {
    assertThat(wall(article("Cloudflare shows 'Just a moment...' and its cf-chl scripts; captcha-delivery.com is DataDome's."
        + "<form><input type=password></form>"))).isEmpty();
  }

  @Test
  void cloudflareChallengePagesAreWalls() {
    String challenge = "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
        + "<noscript>Enable JavaScript and cookies to continue</noscript>"
        + "<script>window._cf_chl_opt={cvId:'3'};</script><script src=\"/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1\"></script>"
        + "</body></html>";
    assertThat(wall(challenge)).get().asString().contains("Cloudflare challenge").startsWith("HTTP 200");
    assertThat(wall("<title>Attention Required! | Cloudflare</title><p>Sorry, you have been blocked</p>"))
        .get().asString().contains("Cloudflare block page");
    assertThat(wall("<title>Loading</title><p>one moment</p>", "cf-mitigated: challenge")).get().asString().contains("Cloudflare");
  }

  @Test
  void otherVendorsChallengesAreWalls() {
    assertThat(wall("<title>news.example</title><script>var dd={'cid':'x','host':'geo.captcha-delivery.com'}</script>"))
        .get().asString().contains("DataDome");
    assertThat(wall("<title>Access to this page has been denied</title><div id=\"px-captcha\"></div>"))
        .get().asString().contains("PerimeterX");
    assertThat(wall("<title>Access Denied</title><h1>Access Denied</h1><p>You don't have permission to access this page."
        + " Reference #18.4f2d. https://errors.edgesuite.net/18.4f2d</p>")).get().asString().contains("Akamai");
    assertThat(wall("<title>x</title><p>ok</p>", "X-DataDome: protected")).get().asString().contains("DataDome");
  }

  @Test
  void aPageThatIsMostlyALoginFormIsAWall() {
    String login = "<title>Sign in</title><form action=/session method=post><label>Email <input name=email></label>"
        + "<label>Password <input type=\"password\" name=pw></label><button>Sign in</button></form>";
    assertThat(wall(login)).get().asString().contains("login form");
  }

  @Test
  void aPageThatSaysItIsPaywalledIsAWallAtAnyLength() {
    String ld = "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"isAccessibleForFree\": \"False\"}</script>";
    assertThat(wall(article(ld))).get().asString().contains("paywall");
    assertThat(wall(article(ld.replace("\"False\"", "true")))).isEmpty();
  }

  @Test
  void thePaywallDeclarationIsFoundInAnyCaseAndSpacingAndNowhereElse() {
    assertThat(Walls.declaresPaywall("{\"ISACCESSIBLEFORFREE\"\n :\t\tfalse}")).isTrue();
    assertThat(Walls.declaresPaywall("<a title=\"x\">{\"isAccessibleForFree\":\"FALSE\"}")).isTrue();
    assertThat(Walls.declaresPaywall("{\"isAccessibleForFree\": true, \"x\": false}")).isFalse();
    assertThat(Walls.declaresPaywall("{\"notisAccessibleForFree\": false}")).isFalse();
    assertThat(Walls.declaresPaywall("isAccessibleForFree: false")).as("not the JSON name").isFalse();
    assertThat(Walls.declaresPaywall("{\"isAccessibleForFree\"")).as("cut off").isFalse();
  }

  @Test
  void aConsentRedirectIsAWall() {
    assertThat(wallAt("https://consent.example.com/ml?continue=x", "<title>Before you continue</title><p>We use cookies</p>"))
        .get().asString().contains("consent wall");
  }

  @Test
  void statuses401And403And429AreWallsOthersAreNot() {
    assertThat(Walls.forStatus(403, "HTTP 403 Forbidden from a.example")).get().asString()
        .startsWith("HTTP 403 Forbidden from a.example: ").contains("browser");
    assertThat(Walls.forStatus(401, "HTTP 401")).isPresent();
    assertThat(Walls.forStatus(429, "HTTP 429")).isPresent();
    assertThat(Walls.forStatus(404, "HTTP 404")).isEmpty();
    assertThat(Walls.forStatus(500, "HTTP 500")).isEmpty();
    assertThat(Walls.forStatus(0, "connection refused")).isEmpty();
  }
}
