package dev.saguaro.inference.service;

/**
 * One encoded image of a prediction request.
 *
 * @param name the client's name for the image (file name or JSON {@code name}), or {@code null}
 * @param bytes the JPEG or PNG bytes
 */
public record ImageInput(String name, byte[] bytes) {}
