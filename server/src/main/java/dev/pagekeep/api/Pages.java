package dev.pagekeep.api;

import io.javalin.http.Context;

/** Paging parameters, validated the same way everywhere. */
final class Pages {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 1000;

  private Pages() {}

  static int limit(Context ctx) {
    String raw = ctx.queryParam("limit");
    if (raw == null || raw.isBlank()) return DEFAULT_LIMIT;
    try {
      int n = Integer.parseInt(raw.trim());
      if (n < 1 || n > MAX_LIMIT) throw ApiException.badRequest("limit must be 1.." + MAX_LIMIT);
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("limit must be a number");
    }
  }

  static long longCursor(Context ctx) {
    String raw = ctx.queryParam("cursor");
    if (raw == null || raw.isBlank()) return Long.MAX_VALUE;
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("bad cursor");
    }
  }
}
