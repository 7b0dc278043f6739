package dev.pagekeep.rot;

import dev.pagekeep.store.RotLedger.Verdict;
import java.io.IOException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Asks the live web whether one archived URL is still there. Gone means: 404 or 410; a host that
 * does not resolve; a redirect to the site's home page or to another site; a parked-domain page.
 * A timeout, a refused connection, a 5xx or a 403 says nothing either way ({@link Verdict#UNKNOWN}):
 * a URL is marked gone only on evidence. Redirects are followed here (at most {@link #MAX_HOPS}),
 * so each hop is judged; at most {@link #PEEK_BYTES} of a body are read, for the parked check.
 */
final class LinkProbe {
  static final int MAX_HOPS = 5;
  static final int PEEK_BYTES = 64 * 1024;
  private static final String USER_AGENT = "Mozilla/5.0 (compatible; pagekeep/0.1; link check)";
  private static final Pattern HOME_PATH = Pattern.compile("/(index\\.[a-z]{2,5}|home/?|default\\.[a-z]{2,5}|[a-z]{2}(-[a-z]{2})?/)?",
      Pattern.CASE_INSENSITIVE);
  /** Phrases of domain-parking and domain-sale pages (Sedo, Bodis, ParkingCrew, Afternic, Dan, HugeDomains, GoDaddy). */
  private static final List<String> PARKED = List.of(
      "this domain is for sale", "this domain may be for sale", "the domain is for sale", "buy this domain",
      "domain is parked", "is parked free", "this domain has been registered", "parked domain",
      "sedoparking", "parkingcrew", "bodis.com", "afternic.com", "hugedomains.com", "dan.com/buy-domain",
      "domain-for-sale", "domainmarket.com", "this web page is parked");

  /** The outcome of one check. */
  record Outcome(Verdict verdict, String reason, int status) {
    static Outcome gone(String reason, int status) { return new Outcome(Verdict.GONE, reason, status); }
    static Outcome alive(int status) { return new Outcome(Verdict.ALIVE, "answers " + status, status); }
    static Outcome unknown(String reason, int status) { return new Outcome(Verdict.UNKNOWN, reason, status); }
  }

  private final OkHttpClient client;

  LinkProbe(OkHttpClient client) {
    this.client = client;
  }

  CompletableFuture<Outcome> check(String url) {
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    HttpUrl start = HttpUrl.parse(url);
    if (start == null) {
      done.complete(Outcome.unknown("not an http or https URL", 0));
      return done;
    }
    // The name is resolved for every check, even when a pooled connection to the host is open:
    // a lapsed domain must be seen as one.
    try {
      client.dispatcher().executorService().execute(() -> {
        try {
          client.dns().lookup(start.host());
        } catch (UnknownHostException e) {
          done.complete(Outcome.gone("the host " + start.host() + " does not resolve", 0));
          return;
        } catch (RuntimeException e) {
          done.complete(Outcome.unknown("cannot resolve " + start.host() + ": " + e.getMessage(), 0));
          return;
        }
        hop(start, start, 0, done);
      });
    } catch (RuntimeException e) { // closing: the executor refuses
      done.complete(Outcome.unknown("the check was stopped", 0));
    }
    return done;
  }

  private void hop(HttpUrl original, HttpUrl at, int hops, CompletableFuture<Outcome> done) {
    Request request = new Request.Builder().url(at).get()
        .header("User-Agent", USER_AGENT)
        .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .build();
    Call call;
    try {
      call = client.newCall(request);
    } catch (RuntimeException e) {
      done.complete(Outcome.unknown("cannot ask: " + e.getMessage(), 0));
      return;
    }
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        if (e instanceof UnknownHostException) {
          done.complete(Outcome.gone("the host " + at.host() + " does not resolve", 0));
        } else {
          done.complete(Outcome.unknown(e.getClass().getSimpleName() + ": " + e.getMessage(), 0));
        }
      }

      @Override
      public void onResponse(Call c, Response response) {
        try (response) {
          Outcome o = judge(original, at, hops, response, done);
          if (o != null) done.complete(o);
        } catch (RuntimeException | IOException e) {
          done.complete(Outcome.unknown("unreadable answer: " + e.getMessage(), response.code()));
        }
      }
    });
  }

  /** The outcome, or null when a redirect is being followed (it completes {@code done} later). */
  private Outcome judge(HttpUrl original, HttpUrl at, int hops, Response response, CompletableFuture<Outcome> done)
      throws IOException {
    int code = response.code();
    if (code == 404 || code == 410) return Outcome.gone("answers " + code, code);
    if (response.isRedirect()) {
      String location = response.header("Location");
      HttpUrl next = location == null ? null : at.resolve(location);
      if (next == null) return Outcome.unknown("a redirect without a usable Location", code);
      if (!site(next).equals(site(original))) return Outcome.gone("redirects to another site: " + next.host(), code);
      if (isHome(next) && !isHome(original)) return Outcome.gone("redirects to the home page", code);
      if (hops + 1 >= MAX_HOPS) return Outcome.unknown("more than " + MAX_HOPS + " redirects", code);
      hop(original, next, hops + 1, done);
      return null;
    }
    if (code >= 200 && code < 300) return parked(response) ? Outcome.gone("a parked domain", code) : Outcome.alive(code);
    return Outcome.unknown("answers " + code, code);
  }

  private static boolean parked(Response response) throws IOException {
    ResponseBody body = response.body();
    MediaType type = body.contentType();
    if (type != null && !type.subtype().contains("html")) return false;
    String text = response.peekBody(PEEK_BYTES).string().toLowerCase(Locale.ROOT);
    for (String phrase : PARKED) if (text.contains(phrase)) return true;
    return false;
  }

  /** The registrable domain (example.co.uk for www.example.co.uk); an IP address or a single label stands for itself. */
  static String site(HttpUrl url) {
    String top = url.topPrivateDomain();
    return top != null ? top : url.host();
  }

  static boolean isHome(HttpUrl url) {
    return url.query() == null && HOME_PATH.matcher(url.encodedPath()).matches();
  }
}
