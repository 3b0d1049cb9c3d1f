package dev.dunning.web;

import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Every instant in a request body carries at most microseconds, for every endpoint at once: the database keeps
 * microseconds (DATETIME(6)), so a nanosecond would be cut off silently, and an instant chained into the audit log
 * would differ from its column (issue 16). Checked on the body once read, wherever in it the instant is (records,
 * lists and maps are walked), rather than by the JSON mapper, which also reads back what the service stored itself
 * with its clock's nanoseconds.
 */
@ControllerAdvice
class Microseconds extends RequestBodyAdviceAdapter {

    static final String TOO_FINE = "has more than 6 digits after the second; instants are kept to the microsecond, "
            + "so send at most 6 (e.g. 2025-03-12T05:30:00.123456Z)";

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object afterBodyRead(Object body, HttpInputMessage input, MethodParameter parameter, Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) {
        List<FieldProblem> problems = new ArrayList<>();
        walk(body, "", problems);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return body;
    }

    private static void walk(Object value, String path, List<FieldProblem> problems) {
        if (value instanceof Instant instant) {
            if (instant.getNano() % 1_000 != 0) {
                problems.add(new FieldProblem(path, TOO_FINE));
            }
        } else if (value instanceof Record record) {
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                walk(read(component, record), path.isEmpty() ? component.getName() : path + "." + component.getName(),
                        problems);
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", problems);
            }
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((key, v) -> walk(v, path + "." + key, problems));
        }
    }

    private static Object read(RecordComponent component, Record record) {
        try {
            var accessor = component.getAccessor();
            accessor.trySetAccessible(); // request records are often package-private
            return accessor.invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + component + " of a request body", e);
        }
    }
}
