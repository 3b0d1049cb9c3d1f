/** Rule-set versions over HTTP: validation, upload, simulation, activation and their history. */
package dev.dunning.rulesets.web;
