/** The administrator's console pages: the people who sign in, their roles, and the API keys. */
package dev.dunning.security.web;
