package dev.dunning.web;

import java.util.List;

/** A request that parsed but makes no sense; answered with 400 and every field problem. */
public class InvalidRequestException extends RuntimeException {

    private final List<FieldProblem> problems;

    public InvalidRequestException(List<FieldProblem> problems) {
        super(problems.size() + " problem(s) in the request");
        this.problems = List.copyOf(problems);
    }

    public List<FieldProblem> problems() {
        return problems;
    }
}
