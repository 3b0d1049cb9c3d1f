/** The audit log over HTTP: search, export, verification and checkpoints. */
package dev.dunning.audit.web;
