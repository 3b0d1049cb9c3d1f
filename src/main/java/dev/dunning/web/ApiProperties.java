package dev.dunning.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of the HTTP API.
 *
 * @param maxJsonBody the largest JSON request body; larger ones get 413 before any of it is parsed (uploads of CSV
 *     files have their own limit, {@code dunning.import.max-upload-size})
 */
@ConfigurationProperties("dunning.api")
public record ApiProperties(@DefaultValue("1MB") DataSize maxJsonBody) {}
