package dev.dunning.web;

/** One problem with one field of a request, named by its JSON path (e.g. invoices[0].dueDate). */
public record FieldProblem(String field, String message) {}
