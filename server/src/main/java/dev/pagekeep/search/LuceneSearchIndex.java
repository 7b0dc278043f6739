package dev.pagekeep.search;

import dev.pagekeep.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.search.uhighlight.DefaultPassageFormatter;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SearchIndex} on Lucene 9, in one directory ({@code <data>/search/}). Title, URL, text and
 * tags are searched together (title weighs most); ties go to the newer snapshot. Changes are
 * visible to the next search at once (near-real-time reader) and committed to disk once adds have
 * paused for {@value #COMMIT_IDLE_MS} ms (at least every {@value #COMMIT_MAX_MS} ms while they go
 * on) and on close; what a crash loses is caught up by {@link SearchIndexer#catchUp}.
 */
public final class LuceneSearchIndex implements SearchIndex {
  private static final Logger log = LoggerFactory.getLogger(LuceneSearchIndex.class);
  static final String ID = "id";
  static final String KEY = "key";
  static final String TS = "ts";
  static final String URL = "url";
  static final String URL_STORED = "url_raw";
  static final String TITLE = "title";
  static final String TEXT = "text";
  static final String TAGS = "tags";
  /** Longer texts are indexed up to here unless told otherwise (a book-length page is indexed whole). */
  static final int MAX_TEXT_CHARS = Config.DEFAULT_INDEXED_CHARS;
  private static final Map<String, Float> BOOSTS = Map.of(TITLE, 4f, URL, 2f, TAGS, 2f, TEXT, 1f);
  private static final FieldType HIGHLIGHTED = highlighted();
  /** Text is indexed with positions (phrases) but neither stored nor with offsets: see {@link Texts}. */
  private static final FieldType POSITIONS_ONLY = TextField.TYPE_NOT_STORED;
  /** Bumped when the fields change: an index written by another layout is rebuilt from the store. */
  static final String LAYOUT = "2";
  private static final String LAYOUT_KEY = "pagekeep.layout";

  private final Path dir;
  private final Texts texts;
  private final int maxChars;
  private final Analyzer analyzer = new TextAnalyzer();
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final ExecutorService indexing = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "search-index");
    t.setDaemon(true);
    return t;
  });
  /** {@code is:NAME} filters: URL keys joined from outside the index (link rot's gone URLs). */
  private static final Pattern IS_FILTER = Pattern.compile("(?<![\\w\"-])(-?)is:([A-Za-z]+)(?![\\w:])");
  private final Map<String, Supplier<? extends Collection<String>>> filters = new ConcurrentHashMap<>();
  private final AtomicBoolean stale = new AtomicBoolean();
  /** Adds queued by {@link #addLater} and not yet in the writer, and room for more. */
  static final int MAX_QUEUED_ADDS = 64;
  private final AtomicInteger queuedAdds = new AtomicInteger();
  private final Semaphore queuedAddRoom = new Semaphore(MAX_QUEUED_ADDS);
  private final AtomicBoolean dirty = new AtomicBoolean();
  private final ScheduledExecutorService committer;
  /**
   * Commit policy: a commit flushes a segment, so committing every 2 s through a run of saves made
   * a small segment every 2 s and merges behind them (flush and merge were twice the CPU of the
   * indexing itself, 300 small pages). Now a commit waits for a pause in the adds, or this long.
   */
  static final long COMMIT_IDLE_MS = 2_000;
  static final long COMMIT_MAX_MS = 30_000;
  private volatile long lastChange;
  private volatile long lastCommit = System.currentTimeMillis();

  private LuceneSearchIndex(Path dir, Texts texts, int maxChars) throws IOException {
    if (maxChars < 1) throw new IllegalArgumentException("maxChars must be >= 1: " + maxChars);
    this.dir = dir;
    this.texts = texts;
    this.maxChars = maxChars;
    Files.createDirectories(dir);
    this.directory = FSDirectory.open(dir);
    if (DirectoryReader.indexExists(directory)) {
      String layout = SegmentInfos.readLatestCommit(directory).getUserData().get(LAYOUT_KEY);
      if (!LAYOUT.equals(layout)) {
        directory.close();
        throw new IOException("the index has layout " + layout + ", this pagekeep writes " + LAYOUT);
      }
    }
    IndexWriterConfig cfg = new IndexWriterConfig(analyzer)
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
        .setRAMBufferSizeMB(32);
    this.writer = new IndexWriter(directory, cfg);
    writer.setLiveCommitData(Map.of(LAYOUT_KEY, LAYOUT).entrySet());
    this.searchers = new SearcherManager(writer, null);
    this.committer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "search-commit");
      t.setDaemon(true);
      return t;
    });
    committer.scheduleWithFixedDelay(this::commitIfDirty, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * Opens (or creates) the index in {@code dir}. A damaged index is not fatal for the archive:
   * the caller may delete the directory and rebuild.
   */
  public static LuceneSearchIndex open(Path dir, Texts texts) {
    return open(dir, texts, MAX_TEXT_CHARS);
  }

  /** As {@link #open(Path, Texts)}, indexing the first {@code maxChars} characters of each text. */
  public static LuceneSearchIndex open(Path dir, Texts texts, int maxChars) {
    try {
      return new LuceneSearchIndex(dir, texts, maxChars);
    } catch (LockObtainFailedException e) {
      throw new SearchException("the search index " + dir + " is in use by another process", e);
    } catch (IOException | RuntimeException e) {
      throw new SearchException("cannot open the search index " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens the index, or, when it is damaged (a torn file, a format or layout from another version),
   * deletes it and starts an empty one: it is derived data, and {@link SearchIndexer#catchUp}
   * rebuilds it from the store. An index locked by another process is still an error.
   */
  public static LuceneSearchIndex openOrReset(Path dir, Texts texts) {
    return openOrReset(dir, texts, MAX_TEXT_CHARS);
  }

  public static LuceneSearchIndex openOrReset(Path dir, Texts texts, int maxChars) {
    try {
      return open(dir, texts, maxChars);
    } catch (SearchException e) {
      if (e.getCause() instanceof LockObtainFailedException) throw e;
      log.warn("search index {} unreadable ({}): starting it afresh", dir, e.getMessage());
      deleteTree(dir);
      return open(dir, texts, maxChars);
    }
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new SearchException("cannot remove the damaged search index " + dir + ": " + e.getMessage(), e);
    }
  }

  private static FieldType highlighted() {
    FieldType t = new FieldType(TextField.TYPE_STORED);
    t.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
    t.freeze();
    return t;
  }

  @Override
  public void add(Entry e) {
    Document doc = document(e);
    try {
      // On the one indexing thread: IndexWriter gives each concurrent thread its own in-memory
      // segment, and the archive's 64 commit threads made 64 tiny segments whose flushes and
      // merges cost more than the indexing (47 ms of CPU per 450 KB page against 13 ms).
      // Callers wait parked, so the snapshot is searchable when add() returns.
      indexing.submit(() -> {
        writer.updateDocument(new Term(ID, e.id()), doc);
        return null;
      }).get();
      changed();
    } catch (ExecutionException ex) {
      Throwable cause = ex.getCause();
      throw new SearchException("cannot index " + e.url() + ": " + cause.getMessage(), cause);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new SearchException("interrupted while indexing " + e.url(), ex);
    } catch (RejectedExecutionException ex) {
      throw new SearchException("the search index is closed", ex);
    }
  }

  /**
   * Queues the entry for the indexing thread and returns: a finished save does not hold its page
   * slot while its text is analysed behind other pages' (about 40 ms a page, 300 small pages).
   * Every search, lookup, delete or commit made after this call waits for the queued adds first,
   * so it sees the entry as if {@link #add} had returned. At most {@value #MAX_QUEUED_ADDS} adds
   * wait; the next caller waits for room. A failure is logged (no caller is left to tell).
   */
  @Override
  public void addLater(Entry e) {
    Document doc = document(e);
    try {
      queuedAddRoom.acquire();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new SearchException("interrupted while indexing " + e.url(), ex);
    }
    queuedAdds.incrementAndGet();
    try {
      indexing.execute(() -> {
        try {
          writer.updateDocument(new Term(ID, e.id()), doc);
          changed();
        } catch (IOException | RuntimeException ex) {
          log.error("could not index {} ({}): {}", e.url(), e.timestamp(), ex.toString());
        } finally {
          queuedAdds.decrementAndGet();
          queuedAddRoom.release();
        }
      });
    } catch (RejectedExecutionException ex) {
      queuedAdds.decrementAndGet();
      queuedAddRoom.release();
      throw new SearchException("the search index is closed", ex);
    }
  }

  /** Waits until the adds queued so far are in the writer (the indexing thread runs them in order). */
  private void drainQueuedAdds() {
    if (queuedAdds.get() == 0) return;
    try {
      indexing.submit(() -> null).get();
    } catch (ExecutionException | RejectedExecutionException ex) {
      // closed meanwhile: nothing more will be added
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new SearchException("interrupted while waiting for the index", ex);
    }
  }

  private Document document(Entry e) {
    Document doc = new Document();
    doc.add(new StringField(ID, e.id(), Field.Store.YES));
    doc.add(new StringField(KEY, e.urlKey(), Field.Store.YES));
    doc.add(new StoredField(TS, e.timestamp()));
    doc.add(new NumericDocValuesField(TS, Long.parseLong(e.timestamp())));
    doc.add(new StoredField(URL_STORED, e.url()));
    doc.add(new TextField(URL, urlWords(e.url()), Field.Store.NO));
    doc.add(new Field(TITLE, e.title() == null ? "" : e.title(), HIGHLIGHTED));
    doc.add(new Field(TEXT, indexed(e.text()), POSITIONS_ONLY));
    if (e.tags() != null) for (String tag : e.tags()) doc.add(new TextField(TAGS, tag, Field.Store.NO));
    return doc;
  }

  private String indexed(String text) {
    if (text == null) return "";
    return text.length() > maxChars ? text.substring(0, maxChars) : text;
  }

  /** The URL as written (so "example.com" matches) plus its parts as words (so "example" does). */
  static String urlWords(String url) {
    return url + " " + url.replaceAll("[^\\p{L}\\p{N}]+", " ");
  }

  @Override
  public void delete(String urlKey, String timestampOrNull) {
    Term term = timestampOrNull == null ? new Term(KEY, urlKey) : new Term(ID, urlKey + "/" + timestampOrNull);
    drainQueuedAdds(); // a queued add of this snapshot must not bring it back
    try {
      writer.deleteDocuments(term);
      changed();
    } catch (IOException e) {
      throw new SearchException("cannot remove " + urlKey + " from the index: " + e.getMessage(), e);
    }
  }

  @Override
  public Set<String> missing(Collection<String> ids) {
    Set<String> out = new HashSet<>(ids);
    if (out.isEmpty()) return out;
    // A term lookup per id and segment: a million ids take seconds, with nothing loaded whole.
    eachIdSegment((terms, live) -> {
      for (var it = out.iterator(); it.hasNext(); ) {
        if (terms.seekExact(new BytesRef(it.next())) && anyLive(terms, live)) it.remove();
      }
      return !out.isEmpty();
    });
    return out;
  }

  @Override
  public void forEachId(Consumer<String> visitor) {
    eachIdSegment((terms, live) -> {
      for (BytesRef id = terms.next(); id != null; id = terms.next()) {
        if (anyLive(terms, live)) visitor.accept(id.utf8ToString());
      }
      return true;
    });
  }

  /** What is done with one segment's ids; false stops the walk. */
  private interface IdSegment {
    boolean visit(TermsEnum ids, Bits liveDocs) throws IOException;
  }

  private void eachIdSegment(IdSegment visit) {
    IndexSearcher searcher = acquire();
    try {
      for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
        Terms terms = leaf.reader().terms(ID);
        if (terms != null && !visit.visit(terms.iterator(), leaf.reader().getLiveDocs())) break;
      }
    } catch (IOException e) {
      throw new SearchException("cannot read the search index: " + e.getMessage(), e);
    } finally {
      release(searcher);
    }
  }

  /** Whether the id the enum stands on has a document not deleted since the segment was written. */
  private static boolean anyLive(TermsEnum terms, Bits live) throws IOException {
    PostingsEnum postings = terms.postings(null, PostingsEnum.NONE);
    for (int d = postings.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = postings.nextDoc()) {
      if (live == null || live.get(d)) return true;
    }
    return false;
  }

  @Override
  public void clear() {
    drainQueuedAdds();
    try {
      writer.deleteAll();
      changed();
    } catch (IOException e) {
      throw new SearchException("cannot clear the search index: " + e.getMessage(), e);
    }
  }

  private void changed() {
    lastChange = System.currentTimeMillis();
    stale.set(true);
    dirty.set(true);
  }

  @Override
  public long size() {
    drainQueuedAdds();
    return writer.getDocStats().numDocs;
  }

  @Override
  public Results search(String queryText, int offset, int limit) {
    if (offset < 0 || limit < 1) throw new IllegalArgumentException("offset >= 0 and limit >= 1: " + offset + ", " + limit);
    Query query = parse(queryText);
    IndexSearcher searcher = acquire();
    try {
      Sort sort = new Sort(SortField.FIELD_SCORE, new SortField(TS, SortField.Type.LONG, true));
      int want = offset + limit + 1;
      int n = Math.max(want * 2, 20);
      while (true) {
        TopFieldDocs top = searcher.search(query, n, sort, true);
        List<ScoreDoc> best = bestPerUrl(searcher, top.scoreDocs);
        boolean exhausted = top.scoreDocs.length < n;
        if (best.size() >= want || exhausted) {
          return page(searcher, query, top.totalHits.value, best, offset, limit);
        }
        n *= 4;
      }
    } catch (IOException e) {
      throw new SearchException("search failed: " + e.getMessage(), e);
    } finally {
      release(searcher);
    }
  }

  /** Best snapshot of each URL, in rank order (the sort already put the best one first). */
  private static List<ScoreDoc> bestPerUrl(IndexSearcher searcher, ScoreDoc[] docs) throws IOException {
    Set<String> seen = new HashSet<>();
    List<ScoreDoc> out = new ArrayList<>();
    var stored = searcher.storedFields();
    for (ScoreDoc d : docs) {
      String key = stored.document(d.doc, Set.of(KEY)).get(KEY);
      if (seen.add(key)) out.add(d);
    }
    return out;
  }

  private Results page(IndexSearcher searcher, Query query, long total, List<ScoreDoc> best, int offset, int limit)
      throws IOException {
    int end = Math.min(best.size(), offset + limit);
    if (offset >= end) return new Results(total, List.of(), -1);
    ScoreDoc[] pageDocs = best.subList(offset, end).toArray(new ScoreDoc[0]);
    // The highlighter wants docs in any order with scores; it answers in the same order.
    TopDocs forHighlight = new TopDocs(new org.apache.lucene.search.TotalHits(pageDocs.length,
        org.apache.lucene.search.TotalHits.Relation.EQUAL_TO), pageDocs);
    UnifiedHighlighter highlighter = new StoreTextHighlighter(UnifiedHighlighter.builder(searcher, analyzer)
        .withFormatter(new DefaultPassageFormatter("<mark>", "</mark>", " … ", true))
        .withMaxLength(maxChars), searcher);
    Map<String, String[]> marks = highlighter.highlightFields(new String[] {TEXT, TITLE}, query, forHighlight, new int[] {2, 1});
    var stored = searcher.storedFields();
    List<Hit> hits = new ArrayList<>(pageDocs.length);
    for (int i = 0; i < pageDocs.length; i++) {
      Document d = stored.document(pageDocs[i].doc, Set.of(KEY, TS));
      String snippet = marks.get(TEXT)[i];
      String title = marks.get(TITLE)[i];
      hits.add(new Hit(d.get(KEY), d.get(TS), scoreOf(pageDocs[i]), snippet == null ? "" : snippet.strip(),
          title != null && title.contains("<mark>") ? title : null));
    }
    return new Results(total, hits, best.size() > end ? end : -1);
  }

  /**
   * Highlights the text read back from the store ({@link Texts}) instead of a stored field; the
   * highlighter finds the offsets by analysing it again, which costs only for the hits shown.
   */
  private final class StoreTextHighlighter extends UnifiedHighlighter {
    private final IndexSearcher searcher;

    StoreTextHighlighter(UnifiedHighlighter.Builder builder, IndexSearcher searcher) {
      super(builder);
      this.searcher = searcher;
    }

    @Override
    protected List<CharSequence[]> loadFieldValues(String[] fields, DocIdSetIterator docs, int cacheCharsThreshold)
        throws IOException {
      List<CharSequence[]> out = new ArrayList<>();
      Set<String> wanted = new HashSet<>(List.of(fields));
      wanted.add(KEY);
      wanted.add(TS);
      var stored = searcher.storedFields();
      long chars = 0;
      for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
        Document d = stored.document(doc, wanted);
        CharSequence[] values = new CharSequence[fields.length];
        for (int i = 0; i < fields.length; i++) {
          String v = fields[i].equals(TEXT) ? indexed(texts.text(d.get(KEY), d.get(TS))) : d.get(fields[i]);
          values[i] = v == null ? "" : v;
          chars += values[i].length();
        }
        out.add(values);
        if (chars >= cacheCharsThreshold) break; // the caller asks again for the rest
      }
      return out;
    }
  }

  private static float scoreOf(ScoreDoc d) {
    return d instanceof org.apache.lucene.search.FieldDoc f && f.fields.length > 0 && f.fields[0] instanceof Float s
        ? s : d.score;
  }

  @Override
  public void filter(String name, Supplier<? extends Collection<String>> urlKeys) {
    filters.put(name.toLowerCase(Locale.ROOT), urlKeys);
  }

  /**
   * People's syntax: words (all must match), "quoted phrases", prefix*, OR, -excluded, field:word.
   * A query the parser rejects (an unbalanced quote, a stray colon) is searched as plain words.
   * {@code is:NAME} (or {@code -is:NAME}) keeps (or drops) the URLs of a filter joined from outside
   * the index ({@link #filter}, say {@code is:gone}); alone, it lists every URL it names.
   */
  Query parse(String text) {
    if (text == null || text.isBlank()) throw new SearchQueryException(text, "the search is empty");
    if (text.length() > 1000) throw new SearchQueryException(text, "the search is longer than 1000 characters");
    List<Query> keep = new ArrayList<>();
    List<Query> drop = new ArrayList<>();
    Matcher m = IS_FILTER.matcher(text);
    while (m.find()) {
      String name = m.group(2).toLowerCase(Locale.ROOT);
      Supplier<? extends Collection<String>> keys = filters.get(name);
      if (keys == null) {
        throw new SearchQueryException(text, "unknown filter is:" + name
            + (filters.isEmpty() ? "" : "; known: is:" + String.join(", is:", new java.util.TreeSet<>(filters.keySet()))));
      }
      List<BytesRef> terms = new ArrayList<>();
      for (String k : keys.get()) terms.add(new BytesRef(k));
      (m.group(1).isEmpty() ? keep : drop).add(new TermInSetQuery(KEY, terms));
    }
    String words = m.replaceAll(" ").strip();
    if (words.isEmpty() && keep.isEmpty() && drop.isEmpty()) throw new SearchQueryException(text, "the search is empty");
    Query q = words.isEmpty() ? new MatchAllDocsQuery() : parseWords(words);
    if (keep.isEmpty() && drop.isEmpty()) return q;
    BooleanQuery.Builder b = new BooleanQuery.Builder().add(q, BooleanClause.Occur.MUST);
    for (Query f : keep) b.add(f, BooleanClause.Occur.FILTER);
    for (Query f : drop) b.add(f, BooleanClause.Occur.MUST_NOT);
    return b.build();
  }

  private Query parseWords(String text) {
    MultiFieldQueryParser parser = new MultiFieldQueryParser(new String[] {TITLE, URL, TAGS, TEXT}, analyzer, BOOSTS);
    parser.setDefaultOperator(QueryParser.Operator.AND);
    parser.setAllowLeadingWildcard(false);
    Query q;
    try {
      q = parser.parse(text);
    } catch (ParseException | RuntimeException e) {
      try {
        q = parser.parse(QueryParser.escape(text));
      } catch (ParseException | RuntimeException again) {
        throw new SearchQueryException(text, "cannot search for '" + text + "'");
      }
    }
    if (q instanceof MatchNoDocsQuery || q instanceof BooleanQuery b && b.clauses().isEmpty()
        || q instanceof BooleanQuery b2 && b2.clauses().stream().allMatch(c -> c.getOccur() == BooleanClause.Occur.MUST_NOT)) {
      throw new SearchQueryException(text, "the search has no words to look for");
    }
    return q;
  }

  private IndexSearcher acquire() {
    drainQueuedAdds();
    try {
      if (stale.getAndSet(false)) searchers.maybeRefreshBlocking();
      return searchers.acquire();
    } catch (IOException e) {
      throw new SearchException("cannot read the search index: " + e.getMessage(), e);
    }
  }

  private void release(IndexSearcher s) {
    try {
      searchers.release(s);
    } catch (IOException e) {
      log.warn("releasing a searcher: {}", e.toString());
    }
  }

  private void commitIfDirty() {
    if (!dirty.get()) return;
    long now = System.currentTimeMillis();
    if (now - lastChange < COMMIT_IDLE_MS && now - lastCommit < COMMIT_MAX_MS) return; // adds go on: later
    lastCommit = now;
    try {
      commit();
    } catch (RuntimeException e) {
      log.error("search index commit: {}", e.getMessage());
    }
  }

  @Override
  public void commit() {
    drainQueuedAdds();
    dirty.set(false);
    try {
      writer.commit();
    } catch (IOException e) {
      dirty.set(true);
      throw new SearchException("cannot commit the search index " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    committer.shutdownNow();
    indexing.shutdown();
    try {
      indexing.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      searchers.close();
      writer.close(); // commits
      directory.close();
    } catch (IOException | RuntimeException e) {
      log.error("closing the search index {}: {}", dir, e.toString());
    }
  }
}
