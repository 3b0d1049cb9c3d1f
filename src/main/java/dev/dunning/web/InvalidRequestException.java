package dev.dunning.web;

import java.util.List;

/** A request that parsed but makes no sense; answered with 400 and every field problem. */
class InvalidRequestException extends RuntimeException {

    private final List<FieldProblem> problems;

    InvalidRequestException(List<FieldProblem> problems) {
        super(problems.size() + " problem(s) in the request");
        this.problems = List.copyOf(problems);
    }

    List<FieldProblem> problems() {
        return problems;
    }
}
