package dev.pagekeep.search;

import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.testing.Corpus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LuceneSearchIndexTest {
  private static final String AIOHTTP = "http://pawelmhm.github.io/asyncio/python/aiohttp/2016/04/22/asyncio-aiohttp.html";
  private static final String ARCHIVING = "https://blog.example.org/archiving-the-web";
  private static final String MENTIONS = "https://notes.example.net/links";

  @TempDir Path dir;
  LuceneSearchIndex index;
  /** Stands in for the store's text blobs, which the index highlights from. */
  final Map<String, String> texts = new ConcurrentHashMap<>();

  @BeforeEach
  void fill() {
    index = LuceneSearchIndex.open(dir.resolve("search"), this::text);
    for (Corpus.Page p : Corpus.pages(300, 42)) add("https://site.example.com" + p.path(), "20240101000000", p.title(), p.text());
    add(AIOHTTP, "20240301120000", "Making 1 million requests with python-aiohttp",
        "In this post I'd like to test limits of python aiohttp. Everyone knows that asynchronous code performs better "
            + "when applied to network operations, but it is still interesting to check this assumption.");
    add(ARCHIVING, "20240302120000", "Archiving the web for yourself",
        "Why a personal copy of what you read matters, and how to keep one.");
    add(MENTIONS, "20240303120000", "Links of the week",
        "A post about archives and an archivist's view on link rot. Code that performs well is better.");
  }

  @AfterEach
  void close() {
    index.close();
  }

  private String text(String urlKey, String ts) {
    return texts.getOrDefault(urlKey + "/" + ts, "");
  }

  private void add(String url, String ts, String title, String text) {
    texts.put(UrlKeys.urlKey(url) + "/" + ts, text);
    index.add(new SearchIndex.Entry(UrlKeys.urlKey(url), ts, url, title, text, List.of()));
  }

  private List<String> keys(SearchIndex.Results r) {
    return r.hits().stream().map(SearchIndex.Hit::urlKey).toList();
  }

  @Test
  void phraseQueryReturnsOnlyThePageWithTheExactPhrase() {
    SearchIndex.Results r = index.search("\"asynchronous code performs better\"", 0, 10);
    assertThat(keys(r)).containsExactly(UrlKeys.urlKey(AIOHTTP));
    assertThat(r.hits().get(0).snippet()).contains("that <mark>asynchronous code performs better</mark> when");
  }

  @Test
  void wordsWithoutQuotesMatchPagesHavingAllOfThemAnywhere() {
    SearchIndex.Results r = index.search("asynchronous code performs better", 0, 50);
    assertThat(keys(r)).contains(UrlKeys.urlKey(AIOHTTP));
    assertThat(r.hits().size()).isGreaterThan(1);
  }

  @Test
  void prefixQueryFindsEveryFormAndRanksTitleMatchesFirst() {
    SearchIndex.Results r = index.search("archiv*", 0, 10);
    assertThat(keys(r)).containsExactly(UrlKeys.urlKey(ARCHIVING), UrlKeys.urlKey(MENTIONS));
    assertThat(r.hits().get(0).titleHighlight()).isEqualTo("<mark>Archiving</mark> the web for yourself");
    assertThat(r.hits().get(1).snippet()).contains("<mark>archives</mark>").contains("<mark>archivist&#x27;s</mark>");
  }

  @Test
  void prefixTermsAreCaseAndAccentInsensitive() {
    add("https://cafe.example.com/", "20240304000000", "Café culture", "Espresso in the Café.");
    assertThat(keys(index.search("CAF*", 0, 10))).containsExactly(UrlKeys.urlKey("https://cafe.example.com/"));
  }

  @Test
  void titleMatchesRankAboveTextOnlyMatches() {
    SearchIndex.Results r = index.search("sourdough", 0, 100);
    assertThat(r.hits()).isNotEmpty();
    // Every sourdough page has the topic in its title; the first hit must be one of them.
    assertThat(r.hits().get(0).titleHighlight()).contains("<mark>Sourdough</mark>");
  }

  @Test
  void urlPartsAreSearchable() {
    assertThat(keys(index.search("pawelmhm", 0, 10))).containsExactly(UrlKeys.urlKey(AIOHTTP));
    assertThat(keys(index.search("blog.example.org", 0, 10))).containsExactly(UrlKeys.urlKey(ARCHIVING));
  }

  @Test
  void aUrlSavedTwiceIsOneHitWithItsNewestMatchingSnapshot() {
    add(AIOHTTP, "20250101000000", "Making 1 million requests with python-aiohttp",
        "Everyone knows that asynchronous code performs better, updated.");
    SearchIndex.Results r = index.search("aiohttp", 0, 10);
    assertThat(keys(r)).containsExactly(UrlKeys.urlKey(AIOHTTP));
    assertThat(r.matchingSnapshots()).isEqualTo(2);
  }

  @Test
  void pagesFollowOnWithTheOffsetCursorWithoutRepeats() {
    SearchIndex.Results first = index.search("more", 0, 100);
    SearchIndex.Results second = index.search("more", first.nextOffset(), 100);
    assertThat(first.nextOffset()).isEqualTo(100);
    assertThat(keys(first)).doesNotContainAnyElementsOf(keys(second));
    assertThat(second.hits()).hasSize(100);
  }

  @Test
  void deleteRemovesOneSnapshotOrAllOfAUrl() {
    add(AIOHTTP, "20250101000000", "Making 1 million requests with python-aiohttp", "second copy");
    index.delete(UrlKeys.urlKey(AIOHTTP), "20240301120000");
    assertThat(index.search("aiohttp", 0, 10).matchingSnapshots()).isEqualTo(1);
    index.delete(UrlKeys.urlKey(AIOHTTP), null);
    assertThat(index.search("aiohttp", 0, 10).hits()).isEmpty();
  }

  @Test
  void snippetsEscapeThePagesOwnMarkup() {
    add("https://evil.example/", "20240305000000", "x", "zebrafish <script>alert(1)</script> zebrafish");
    String snippet = index.search("zebrafish", 0, 1).hits().get(0).snippet();
    assertThat(snippet).doesNotContain("<script>").contains("&lt;script&gt;");
  }

  @Test
  void brokenSyntaxIsSearchedAsWordsAndEmptySearchesAreRefused() {
    assertThat(keys(index.search("\"asynchronous code", 0, 400))).contains(UrlKeys.urlKey(AIOHTTP));
    assertThat(keys(index.search("aiohttp:", 0, 10))).contains(UrlKeys.urlKey(AIOHTTP));
    assertThatThrownBy(() -> index.search("  ", 0, 10)).isInstanceOf(SearchQueryException.class);
    assertThatThrownBy(() -> index.search("*", 0, 10)).isInstanceOf(SearchQueryException.class);
  }

  @Test
  void changesSurviveCloseAndReopen() {
    long n = index.size();
    index.close();
    index = LuceneSearchIndex.open(dir.resolve("search"), this::text);
    assertThat(index.size()).isEqualTo(n);
    assertThat(keys(index.search("\"asynchronous code performs better\"", 0, 10))).containsExactly(UrlKeys.urlKey(AIOHTTP));
  }

  @Test
  void snippetsAreCutFromTheStoredTextNotFromACopyInTheIndex() {
    String key = UrlKeys.urlKey(ARCHIVING);
    texts.put(key + "/20240302120000", "Why a personal copy matters: the store's own words, read back for the snippet.");
    SearchIndex.Results r = index.search("\"personal copy\"", 0, 10);
    assertThat(keys(r)).containsExactly(key);
    assertThat(r.hits().get(0).snippet()).contains("store&#x27;s own words").contains("<mark>personal copy</mark>");
  }

  @Test
  void anIndexWrittenWithAnotherLayoutIsStartedAfreshAndTheLiveOneIsKept() throws Exception {
    long n = index.size();
    index.close();
    index = LuceneSearchIndex.openOrReset(dir.resolve("search"), this::text);
    assertThat(index.size()).as("same layout: kept").isEqualTo(n);
    index.close();
    // Rewrite the commit's layout mark as an older pagekeep would have left it.
    try (var d = org.apache.lucene.store.FSDirectory.open(dir.resolve("search"));
         var w = new org.apache.lucene.index.IndexWriter(d, new org.apache.lucene.index.IndexWriterConfig())) {
      w.setLiveCommitData(Map.of("pagekeep.layout", "1").entrySet());
      w.commit();
    }
    assertThatThrownBy(() -> LuceneSearchIndex.open(dir.resolve("search"), this::text))
        .isInstanceOf(SearchException.class).hasMessageContaining("layout 1");
    index = LuceneSearchIndex.openOrReset(dir.resolve("search"), this::text);
    assertThat(index.size()).as("old layout: emptied for a rebuild from the store").isZero();
  }

  @Test
  void textPastTheIndexedCharactersIsNotSearchedButTheStartIs() {
    index.close();
    index = LuceneSearchIndex.open(dir.resolve("short"), this::text, 1000);
    String text = "alpha ".repeat(150) + "omega"; // omega starts at character 900
    add("https://long.example/", "20240101000000", "Long", text + " " + "filler ".repeat(200) + "zenith");
    assertThat(index.search("omega", 0, 10).hits()).hasSize(1);
    assertThat(index.search("zenith", 0, 10).hits()).as("past character 1000").isEmpty();
  }

  @Test
  void missingAndForEachIdSeeOnlyLiveSnapshots() {
    String key = UrlKeys.urlKey(ARCHIVING);
    String gone = UrlKeys.urlKey(MENTIONS) + "/20240303120000";
    index.delete(UrlKeys.urlKey(MENTIONS), null);
    assertThat(index.missing(List.of(key + "/20240302120000", gone, "ffffffffffffffffffffffffffffffff/1")))
        .containsExactlyInAnyOrder(gone, "ffffffffffffffffffffffffffffffff/1");
    List<String> ids = new java.util.ArrayList<>();
    index.forEachId(ids::add);
    assertThat(ids).hasSize((int) index.size()).contains(key + "/20240302120000").doesNotContain(gone);
  }

  @Test
  void addsQueuedForLaterAreSeenByEverySearchLookupAndDeleteMadeAfterThem() {
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 3 * LuceneSearchIndex.MAX_QUEUED_ADDS; i++) { // more than may wait at once
      String url = "https://later.example/p" + i;
      texts.put(UrlKeys.urlKey(url) + "/20240401000000", "zyxwlater page number " + i);
      index.addLater(new SearchIndex.Entry(UrlKeys.urlKey(url), "20240401000000", url, "Later " + i,
          "zyxwlater page number " + i, List.of()));
      ids.add(UrlKeys.urlKey(url) + "/20240401000000");
    }
    assertThat(index.search("zyxwlater", 0, 10).matchingSnapshots()).isEqualTo(3L * LuceneSearchIndex.MAX_QUEUED_ADDS);
    assertThat(index.missing(ids)).isEmpty();

    String last = "https://later.example/last";
    index.addLater(new SearchIndex.Entry(UrlKeys.urlKey(last), "20240402000000", last, "Last", "qqvvlast", List.of()));
    index.delete(UrlKeys.urlKey(last), null); // must not be undone by the queued add
    assertThat(index.search("qqvvlast", 0, 10).hits()).isEmpty();
    index.addLater(new SearchIndex.Entry(UrlKeys.urlKey(last), "20240402000000", last, "Last", "qqvvlast", List.of()));
    assertThat(keys(index.search("qqvvlast", 0, 10))).containsExactly(UrlKeys.urlKey(last));
  }
}
