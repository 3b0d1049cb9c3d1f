/** The effectiveness API: figures, timeline, receivables and deliverability as JSON or CSV. */
package dev.dunning.effectiveness.web;
