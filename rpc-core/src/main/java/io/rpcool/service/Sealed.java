package io.rpcool.service;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.rpcool.seal.SealRequirement;

/**
 * Sealed calls, for a whole service (on the interface) or one method: stubs seal every request
 * ({@code ClientCall.sealed(true)}) and the server accepts only calls that meet {@link #value()}
 * ({@code FunctionOptions.sealRequirement}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Sealed
{
    SealRequirement value() default SealRequirement.SEALED;
}
