/**
 * What the web adapters of every feature share: problem+json errors, strict JSON reading, request filters and checks.
 * Each feature keeps its own endpoints in its {@code web} sub-package; this package knows none of them.
 */
package dev.dunning.web;
