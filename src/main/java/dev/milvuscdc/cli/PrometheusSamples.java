package dev.milvuscdc.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The samples of a metrics page in Prometheus's text format, enough to sum a series by a label. */
final class PrometheusSamples {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PrometheusSamples(List<Sample> samples) {
        this.samples = samples;
    }

    static PrometheusSamples parse(String page) {
        List<Sample> samples = new ArrayList<>();
        for (String line : page.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.find()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
                }
            }
            try {
                samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
            } catch (NumberFormatException e) {
                // +Inf or -Inf, which Java spells otherwise: histogram bounds, never in a series summed here.
            }
        }
        return new PrometheusSamples(samples);
    }

    /** Per value of {@code label}, the sum of the samples of {@code name}. */
    Map<String, Double> sumBy(String name, String label) {
        return combineBy(name, label, Double::sum);
    }

    /** Per value of {@code label}, the largest sample of {@code name}. */
    Map<String, Double> maxBy(String name, String label) {
        return combineBy(name, label, Math::max);
    }

    private Map<String, Double> combineBy(String name, String label, BinaryOperator<Double> combine) {
        Map<String, Double> combined = new HashMap<>();
        for (Sample sample : samples) {
            String key = sample.labels().get(label);
            if (sample.name().equals(name) && key != null) {
                combined.merge(key, sample.value(), combine);
            }
        }
        return combined;
    }
}
