import dev.pagekeep.model.UrlKeys;
import dev.pagekeep.search.LuceneSearchIndex;
import dev.pagekeep.search.SearchIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Search latency over many snapshots: fills a LuceneSearchIndex in a temp directory with
 * generated pages (~3 KB of text each, a 5,000-word Zipf-ish vocabulary), then times
 * search(query, 0, 20) including highlighting, for word, two-word, phrase and prefix queries.
 * usage: java -cp server/target/pagekeep.jar bench/SearchBench.java [--snapshots 100000] [--queries 2000]
 */
public class SearchBench {
  public static void main(String[] args) throws Exception {
    int snapshots = 100_000;
    int queries = 2_000;
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--snapshots")) snapshots = Integer.parseInt(args[i + 1]);
      if (args[i].equals("--queries")) queries = Integer.parseInt(args[i + 1]);
    }
    Random r = new Random(1);
    String[] vocab = new String[5000];
    for (int i = 0; i < vocab.length; i++) vocab[i] = word(r, i);
    Path dir = Files.createTempDirectory("pagekeep-search-bench");
    long t0 = System.nanoTime();
    // The index highlights from the store's copy of each text; here that copy is regenerated
    // from a per-page seed, so the bench holds no 100,000 texts in memory.
    java.util.Map<String, Integer> pageOfKey = new java.util.HashMap<>();
    SearchIndex.Texts texts = (urlKey, ts) -> text(new Random(pageOfKey.get(urlKey)), vocab, 450);
    try (LuceneSearchIndex index = LuceneSearchIndex.open(dir, texts)) {
      for (int i = 0; i < snapshots; i++) {
        String url = "https://site" + (i % 500) + ".example.com/articles/" + i;
        String key = UrlKeys.urlKey(url);
        pageOfKey.put(key, i);
        index.add(new SearchIndex.Entry(key, String.format("2024%010d", i % 1_000_000_0L).substring(0, 14),
            url, text(r, vocab, 8), text(new Random(i), vocab, 450), List.of()));
        if ((i + 1) % 20_000 == 0) System.err.printf("indexed %,d%n", i + 1);
      }
      index.commit();
      double indexSeconds = (System.nanoTime() - t0) / 1e9;
      long bytes;
      try (var files = Files.walk(dir)) {
        bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
      }
      String[] kinds = {"word", "two words", "phrase", "prefix"};
      System.out.printf("%n| snapshots | index build | index size | queries |%n|---|---|---|---|%n| %,d | %.1f s (%,.0f docs/s) | %,d MB | %,d per kind |%n%n",
          snapshots, indexSeconds, snapshots / indexSeconds, bytes >> 20, queries);
      System.out.println("| query kind | p50 ms | p90 ms | p99 ms | max ms | mean hits |");
      System.out.println("|---|---|---|---|---|---|");
      for (int k = 0; k < kinds.length; k++) {
        for (int w = 0; w < 200; w++) index.search(query(r, vocab, k), 0, 20); // warm-up
        long[] ns = new long[queries];
        long hits = 0;
        for (int q = 0; q < queries; q++) {
          String query = query(r, vocab, k);
          long s = System.nanoTime();
          try {
            hits += index.search(query, 0, 20).matchingSnapshots();
          } catch (IllegalArgumentException e) {
            // a generated query with no words: not counted
          }
          ns[q] = System.nanoTime() - s;
        }
        Arrays.sort(ns);
        System.out.printf("| %s | %.2f | %.2f | %.2f | %.2f | %,d |%n", kinds[k], ns[queries / 2] / 1e6, ns[queries * 9 / 10] / 1e6,
            ns[queries * 99 / 100] / 1e6, ns[queries - 1] / 1e6, hits / queries);
      }
      System.out.printf("%n%d cores, load %s%n", Runtime.getRuntime().availableProcessors(),
          Files.readString(Path.of("/proc/loadavg")).strip());
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static String query(Random r, String[] vocab, int kind) {
    return switch (kind) {
      case 0 -> pick(r, vocab);
      case 1 -> pick(r, vocab) + " " + pick(r, vocab);
      case 2 -> "\"" + pick(r, vocab) + " " + pick(r, vocab) + "\"";
      default -> { String w = pick(r, vocab); yield w.substring(0, Math.min(w.length(), 3)) + "*"; }
    };
  }

  /** Zipf-like: low indexes are far more common, as in real text. */
  static String pick(Random r, String[] vocab) {
    int i = (int) Math.min(vocab.length - 1, Math.floor(Math.pow(vocab.length, r.nextDouble())) - 1);
    return vocab[Math.max(0, i)];
  }

  static String text(Random r, String[] vocab, int words) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < words; i++) b.append(i == 0 ? "" : i % 17 == 0 ? ". " : " ").append(pick(r, vocab));
    return b.toString();
  }

  static String word(Random r, int i) {
    String letters = "etaoinshrdlcumwfgypbvkjxqz";
    int len = 3 + r.nextInt(7);
    StringBuilder b = new StringBuilder();
    for (int c = 0; c < len; c++) b.append(letters.charAt(Math.min(25, (int) (r.nextDouble() * r.nextDouble() * 26))));
    return b.append(i % 10).toString().replaceAll("\\d", "");
  }
}
