package modulets.bench.swappable;

/** A swappable functional interface: shell code passes lambdas of it to {@link Work#applyTo}. */
public interface IntFn {
    int apply(int x);
}
