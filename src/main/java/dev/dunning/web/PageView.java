package dev.dunning.web;

import java.util.List;

/** One page of a longer list: which page, its size, how many there are in all, and the items. */
public record PageView<T>(int page, int size, long total, List<T> items) {}
