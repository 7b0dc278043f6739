package dev.pagekeep.watch;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Entities;

/** Feeds written out in each format a watch reads, from one list of entries. */
final class FeedTexts {
  record Item(String id, String link, String title, String html) {}

  enum Format {
    RSS("application/rss+xml"), ATOM("application/atom+xml"), JSON("application/feed+json");

    final String contentType;

    Format(String contentType) {
      this.contentType = contentType;
    }
  }

  private FeedTexts() {}

  static String write(Format f, String title, List<Item> items) {
    return switch (f) {
      case RSS -> rss(title, items);
      case ATOM -> atom(title, items);
      case JSON -> json(title, items);
    };
  }

  static String rss(String title, List<Item> items) {
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>")
        .append(Entities.escape(title)).append("</title><link>http://example.invalid/</link><description>d</description>\n");
    for (Item i : items) {
      b.append("<item><title>").append(Entities.escape(i.title())).append("</title><link>").append(Entities.escape(i.link()))
          .append("</link><guid isPermaLink=\"false\">").append(Entities.escape(i.id())).append("</guid><description>")
          .append(Entities.escape(i.html())).append("</description></item>\n");
    }
    return b.append("</channel></rss>\n").toString();
  }

  static String atom(String title, List<Item> items) {
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>")
        .append(Entities.escape(title)).append("</title><id>urn:test:feed</id><updated>2026-11-30T00:00:00Z</updated>\n");
    for (Item i : items) {
      b.append("<entry><title>").append(Entities.escape(i.title())).append("</title><link href=\"").append(Entities.escape(i.link()))
          .append("\"/><id>").append(Entities.escape(i.id())).append("</id><updated>2026-11-30T00:00:00Z</updated>")
          .append("<content type=\"html\">").append(Entities.escape(i.html())).append("</content></entry>\n");
    }
    return b.append("</feed>\n").toString();
  }

  static String json(String title, List<Item> items) {
    Map<String, Object> feed = new LinkedHashMap<>();
    feed.put("version", "https://jsonfeed.org/version/1.1");
    feed.put("title", title);
    List<Map<String, Object>> list = new ArrayList<>();
    for (Item i : items) list.add(Map.of("id", i.id(), "url", i.link(), "title", i.title(), "content_html", i.html()));
    feed.put("items", list);
    try {
      return new ObjectMapper().writeValueAsString(feed);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
