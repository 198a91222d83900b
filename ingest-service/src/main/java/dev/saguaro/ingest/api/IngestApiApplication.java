package dev.saguaro.ingest.api;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** OpenAPI description of the ingest API and its API key scheme. */
@OpenAPIDefinition(
    info =
        @Info(
            title = "Saguaro ingest API",
            version = "1",
            description =
                "Labeled images in, training runs and model versions out. Write requests need an"
                    + " API key in header X-API-Key; errors are RFC 7807 problem documents."))
@SecurityScheme(
    securitySchemeName = IngestApiApplication.API_KEY_SCHEME,
    type = SecuritySchemeType.APIKEY,
    in = SecuritySchemeIn.HEADER,
    apiKeyName = ApiKeyFilter.HEADER)
public class IngestApiApplication extends Application {

  /** Name of the security scheme that write operations reference. */
  public static final String API_KEY_SCHEME = "apiKey";
}
