/** Decisions over HTTP: asking for one, evaluating inline facts, and reading a customer's decisions back. */
package dev.dunning.decisions.web;
