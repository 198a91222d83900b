package dev.saguaro.inference.api;

import java.util.Map;

/** Carries a {@link Problem} out of a resource method, with any headers the response needs. */
public class ProblemException extends RuntimeException {

  private final Problem problem;
  private final Map<String, String> headers;

  public ProblemException(Problem problem) {
    this(problem, Map.of());
  }

  public ProblemException(Problem problem, Map<String, String> headers) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
    this.headers = headers;
  }

  public Problem problem() {
    return problem;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
