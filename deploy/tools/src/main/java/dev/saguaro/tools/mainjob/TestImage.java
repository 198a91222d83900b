package dev.saguaro.tools.mainjob;

/**
 * One held-out image with its true label.
 *
 * @param name file name, such as {@code fashion-test-17.png}
 * @param png the encoded PNG bytes
 * @param label the label in the task's label column, such as {@code 1} or {@code sneaker}
 */
public record TestImage(String name, byte[] png, String label) {}
