package dev.pagekeep.capture;

import java.util.List;

public record ParsedPage(String title, String text, String charset, String baseUrl, List<Requisite> requisites, List<String> links) {}
