/** Dispatch: decisions written to an outbox, sent once by e-mail or webhook, and fed back as contact history. */
package dev.dunning.dispatch;
