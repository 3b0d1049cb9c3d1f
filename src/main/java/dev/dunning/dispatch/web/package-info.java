/** Dispatch over HTTP: the outbox, approvals of hand-over and suspension, and contact events. */
package dev.dunning.dispatch.web;
