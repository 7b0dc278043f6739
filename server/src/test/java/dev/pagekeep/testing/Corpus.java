package dev.pagekeep.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Real-looking generated pages (seeded, so every run sees the same corpus). */
public final class Corpus {
  private static final String[] TOPICS = {
      "gardening", "kubernetes", "sourdough", "astronomy", "cycling", "typography", "databases", "birdwatching",
      "photography", "chess", "woodworking", "espresso", "linguistics", "volcanoes", "beekeeping", "jazz"};
  private static final String[] WORDS = (
      "the a of to and in is it that for on with as was at by this be from or have an are not but "
      + "which one you all were we when there can more if no out so said what up its about into than "
      + "them only other new some could time these two may then first any my now such like our over man "
      + "me even most made after also did many before must through back years where much your way well "
      + "down should because each just those people how too little state good very make world still own "
      + "see men work long get here between both life being under never day same another know while last "
      + "might us great old year off come since against go came right used take three code performs "
      + "asynchronous better requests server client network latency throughput cache memory disk index "
      + "query search page link browser history article reading notes library shelf paper ink pen").split(" ");

  private Corpus() {}

  /** A page: its path on the fixture server, title and body text. */
  public record Page(String path, String title, String text) {
    public String html() {
      return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body><article><h1>"
          + title + "</h1><p>" + text.replace("\n", "</p><p>") + "</p></article></body></html>";
    }
  }

  /** {@code n} pages about assorted topics, a few paragraphs each. */
  public static List<Page> pages(int n, long seed) {
    Random r = new Random(seed);
    List<Page> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String topic = TOPICS[r.nextInt(TOPICS.length)];
      String title = cap(topic) + " notes, part " + (i + 1) + ": " + words(r, 4);
      StringBuilder text = new StringBuilder();
      int paragraphs = 2 + r.nextInt(4);
      for (int p = 0; p < paragraphs; p++) {
        text.append(cap(words(r, 40 + r.nextInt(80)))).append(". ");
        text.append("More on ").append(topic).append(". ");
        if (p < paragraphs - 1) text.append('\n');
      }
      out.add(new Page("/" + topic + "/" + i, title, text.toString()));
    }
    return out;
  }

  private static String words(Random r, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) b.append(' ');
      b.append(WORDS[r.nextInt(WORDS.length)]);
    }
    return b.toString();
  }

  private static String cap(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
