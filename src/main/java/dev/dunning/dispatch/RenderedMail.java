package dev.dunning.dispatch;

/** An e-mail as it is (or would be) sent: both parts of the multipart message. */
public record RenderedMail(String to, String from, String subject, String language, String text, String html,
        boolean optOutLine) {}
