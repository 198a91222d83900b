package dev.saguaro.ingest.api;

import jakarta.enterprise.context.RequestScoped;

/** Name of the API key that authenticated the current request, set by {@link ApiKeyFilter}. */
@RequestScoped
public class CallerIdentity {

  private String name = "anonymous";

  public String name() {
    return name;
  }

  void setName(String name) {
    this.name = name;
  }
}
