package dev.dunning.imports;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the bulk import ({@code dunning.import.*}).
 *
 * @param maxUploadSize the largest file the HTTP import accepts (also the multipart limits, see application.properties);
 *     larger uploads are answered with 413
 * @param maxListedProblems how many problems a rejected file lists; the total is always given, so a broken file of a
 *     million rows does not become a response of a million lines
 * @param batchSize rows per multi-row INSERT statement
 */
@ConfigurationProperties("dunning.import")
public record ImportProperties(
        @DefaultValue("200MB") DataSize maxUploadSize,
        @DefaultValue("1000") int maxListedProblems,
        @DefaultValue("1000") int batchSize) {}
