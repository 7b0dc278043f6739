package dev.pagekeep.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagekeep.testing.ServiceHarness;
import dev.pagekeep.testing.RawHttp;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** What a browser meets at {@code /}: the login page without a session, the web UI with one; JSON clients keep JSON. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginPageTest {
  static final Map<String, String> BROWSER = Map.of("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");

  @TempDir static Path data; // static: an instance field is still null in a PER_CLASS @BeforeAll
  ServiceHarness svc;
  RawHttp anonymous;
  RawHttp withToken;

  @BeforeAll
  void start() {
    svc = ServiceHarness.builder(data).start();
    anonymous = new RawHttp(svc.service().port(), null);
    withToken = new RawHttp(svc.service().port(), svc.token());
  }

  @AfterAll
  void stop() {
    svc.close();
  }

  @Test
  void aBrowserWithoutASessionGetsAnHtmlLoginPageThatSaysHowToGetIn() {
    RawHttp.Reply r = anonymous.send("GET", "/", null, BROWSER);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertThat(r.header("Content-Security-Policy")).isEqualTo(WebController.UI_CSP);
    assertThat(r.text()).contains("<h1>pagekeep</h1>").contains("personal Wayback Machine")
        .contains("<code>pagekeep open</code>").contains("Open archive")
        .doesNotContain("pagekeep serve").doesNotContain("<script").doesNotContain("\"error\"");
    // Its one stylesheet (that of every page for people) is served to a browser without a session.
    assertThat(org.jsoup.Jsoup.parse(r.text()).select("link[rel=stylesheet]").eachAttr("href")).containsExactly(dev.pagekeep.page.Pages.STYLESHEET);
    RawHttp.Reply css = anonymous.send("GET", dev.pagekeep.page.Pages.STYLESHEET, null, BROWSER);
    assertThat(css.status()).isEqualTo(200);
    assertThat(css.header("Content-Type")).startsWith("text/css");
    assertThat(css.text()).contains(".pk-login");
    // A session cookie that is not (or no longer) valid gets the same page.
    RawHttp.Reply stale = anonymous.send("GET", "/", null, Map.of("Accept", "text/html", "Cookie", RequestGuard.SESSION_COOKIE + "=0123abcd"));
    assertThat(stale.status()).isEqualTo(401);
    assertThat(stale.text()).contains("<code>pagekeep open</code>");
  }

  @Test
  void jsonClientsKeepTheJsonErrorWithTheRightAdvice() {
    RawHttp.Reply json = anonymous.send("GET", "/", null, Map.of("Accept", "application/json"));
    assertThat(json.status()).isEqualTo(401);
    assertThat(json.header("Content-Type")).startsWith("application/json");
    assertThat(json.json().path("error").path("code").asText()).isEqualTo("unauthorized");
    assertThat(json.json().path("error").path("message").asText()).contains("pagekeep open").doesNotContain("pagekeep serve");
    RawHttp.Reply api = anonymous.send("GET", "/api/stats", null, BROWSER);
    assertThat(api.status()).isEqualTo(401);
    assertThat(api.header("Content-Type")).startsWith("application/json");
    assertThat(anonymous.send("GET", "/ui/app.js", null, BROWSER).header("Content-Type")).startsWith("application/json");
  }

  @Test
  void aBrowserThatLoggedInGetsTheWebUi() {
    String link = withToken.post("/api/login-links", Map.of()).json().path("url").asText();
    RawHttp.Reply login = anonymous.get(link.substring(link.indexOf("/login")));
    assertThat(login.status()).isEqualTo(303);
    String cookie = login.header("Set-Cookie").split(";")[0];
    assertThat(cookie).startsWith(RequestGuard.SESSION_COOKIE + "=");
    RawHttp.Reply home = anonymous.send("GET", "/", null, Map.of("Accept", "text/html", "Cookie", cookie));
    assertThat(home.status()).isEqualTo(200);
    assertThat(home.text()).contains("/ui/app.js").doesNotContain("pagekeep open</code>. It prints");
    // The used link's page gives the right advice.
    RawHttp.Reply used = anonymous.get(link.substring(link.indexOf("/login")));
    assertThat(used.status()).isEqualTo(401);
    assertThat(used.text()).contains("pagekeep open").doesNotContain("pagekeep serve");
  }
}
