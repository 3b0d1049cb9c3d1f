/** The HTTP API: requests, responses and problem+json errors. */
package dev.dunning.web;
