package io.rpcool.service;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The server runs the handler in a sandbox ({@code FunctionOptions.sandboxed(true)}), for a whole
 * service (on the interface) or one method; shared-container arguments are then read through the
 * sandbox's views.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Sandboxed
{
    boolean value() default true;
}
