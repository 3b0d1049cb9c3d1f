package dev.dunning.web;

/** Something the caller named does not exist; answered with 404. */
class NotFoundException extends RuntimeException {

    NotFoundException(String message) {
        super(message);
    }
}
