package org.schedlab.workload.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One event line of an ftrace text trace or of {@code perf sched script} output, split into its context columns
 * and, for the scheduler events the reader uses, its payload fields. Accepted heads:
 * <pre>
 *   comm-pid [(tgid)] [cpu] [flags] sec.frac: [system:]event: payload     (ftrace, trace-cmd report)
 *   comm pid [cpu] sec.frac: system:event: payload                          (perf script)
 * </pre>
 * Payloads may be the kernel's {@code field=value} form or the pretty form of trace-cmd/perf plugins
 * ({@code comm:pid [prio] S ==> comm:pid [prio]}). Parsing is linear in the line length.
 */
final class EventLine {
    /** Why a line could not be read: the part that was expected. */
    static final class Bad extends Exception {
        final String expected;
        Bad(String expected) {
            super(expected, null, false, false);
            this.expected = expected;
        }
    }

    private static final Pattern TGID = Pattern.compile("-*|[0-9]{1,9}");
    private static final Pattern FLAGS = Pattern.compile("[.A-Za-z0-9]{1,8}");
    private static final Pattern LETTERS = Pattern.compile("[RSDTtXZxKWPNI|+]{1,16}");
    private static final Pattern WAKE_TAIL = Pattern.compile("CPU:[0-9]{1,6}|success=[0-9]{1,3}|target_cpu=[0-9]{1,6}");

    static final String HEAD = "<comm>-<pid> [<cpu>] <seconds>.<fraction>: <event>: <fields>";

    String comm;
    int pid, cpu;
    String flags = "";
    long ts;
    String event;
    String payload;

    // sched_switch
    String prevComm, nextComm, prevState;
    int prevPid, nextPid, prevPrio = -1, nextPrio = -1;
    // wakeups, migrate, exit, exec, fork
    String tComm;
    int tPid, tPrio = -1, success = -1, childPid;
    String childComm;

    /** Parses the context columns; the payload is left raw. */
    static EventLine head(String line) throws Bad {
        int n = line.length();
        int open = -1, close = -1;
        for (int i = 1; i < n && open < 0; i++) {
            if (line.charAt(i) != '[' || !ws(line.charAt(i - 1))) continue;
            int j = i + 1;
            while (j < n && isDigit(line.charAt(j))) j++;
            if (j > i + 1 && j < n && line.charAt(j) == ']' && (j + 1 == n || ws(line.charAt(j + 1)))) {
                open = i;
                close = j;
            }
        }
        if (open < 0) throw new Bad(HEAD);
        EventLine e = new EventLine();
        if (close - open - 1 > 5) throw new Bad("a CPU number below 100000 in [<cpu>]");
        e.cpu = Integer.parseInt(line.substring(open + 1, close));
        String head = line.substring(0, open).trim();
        if (head.endsWith(")")) {
            int p = head.lastIndexOf('(');
            if (p >= 0 && TGID.matcher(head.substring(p + 1, head.length() - 1).trim()).matches()) head = head.substring(0, p).trim();
        }
        int k = head.length();
        while (k > 0 && isDigit(head.charAt(k - 1))) k--;
        if (k == head.length() || head.length() - k > 9) throw new Bad(HEAD);
        e.pid = Integer.parseInt(head.substring(k));
        if (k > 0 && head.charAt(k - 1) == '-') {
            e.comm = head.substring(0, k - 1);
        } else if (k > 0 && ws(head.charAt(k - 1))) {
            e.comm = head.substring(0, k).trim();
        } else if (k > 0 && head.charAt(k - 1) == '/') {
            // perf "pid/tid": keep the tid
            int s = k - 1;
            while (s > 0 && isDigit(head.charAt(s - 1))) s--;
            if (s == k - 1 || s == 0 || !ws(head.charAt(s - 1))) throw new Bad(HEAD);
            e.comm = head.substring(0, s).trim();
        } else {
            throw new Bad(HEAD);
        }
        if (e.comm.isEmpty()) throw new Bad(HEAD);

        int i = close + 1;
        String tok = token(line, i = skipWs(line, i));
        if (tok.isEmpty()) throw new Bad("a timestamp after [<cpu>]");
        if (!tok.endsWith(":")) {
            if (!FLAGS.matcher(tok).matches()) throw new Bad("irq flags such as 'd..2.' or a timestamp after [<cpu>]");
            e.flags = tok;
            i += tok.length();
            tok = token(line, i = skipWs(line, i));
        }
        e.ts = timestamp(tok);
        i += tok.length();
        tok = token(line, i = skipWs(line, i));
        if (tok.length() < 2 || !tok.endsWith(":")) throw new Bad("an event name followed by ':' after the timestamp");
        i += tok.length();
        String ev = tok.substring(0, tok.length() - 1);
        int c = ev.lastIndexOf(':');
        if (c >= 0) ev = ev.substring(c + 1);
        if (ev.isEmpty()) throw new Bad("an event name followed by ':' after the timestamp");
        e.event = ev;
        e.payload = line.substring(i).trim();
        return e;
    }

    /** {@code sec.frac:} to ns, exactly. */
    static long timestamp(String tok) throws Bad {
        int dot = tok.indexOf('.');
        String expected = "a timestamp <seconds>.<fraction>: such as 76.211513:";
        if (dot <= 0 || !tok.endsWith(":") || dot > 9) throw new Bad(expected);
        String frac = tok.substring(dot + 1, tok.length() - 1);
        if (frac.isEmpty() || frac.length() > 9) throw new Bad(expected);
        long sec = 0, f = 0;
        for (int k = 0; k < dot; k++) {
            char ch = tok.charAt(k);
            if (!isDigit(ch)) throw new Bad(expected);
            sec = sec * 10 + (ch - '0');
        }
        for (int k = 0; k < 9; k++) {
            int d = 0;
            if (k < frac.length()) {
                char ch = frac.charAt(k);
                if (!isDigit(ch)) throw new Bad(expected);
                d = ch - '0';
            }
            f = f * 10 + d;
        }
        return sec * 1_000_000_000L + f;
    }

    /** Parses the payload of the scheduler events the reader uses; other events are left alone. */
    void fields() throws Bad {
        switch (event) {
            case "sched_switch": switchFields(); break;
            case "sched_wakeup":
            case "sched_waking":
            case "sched_wakeup_new": wakeFields(); break;
            case "sched_migrate_task":
            case "sched_process_exit": {
                Kv kv = Kv.of(payload);
                tComm = kv.get("comm");
                tPid = kv.pid("pid", event + " fields comm=<name> pid=<n>");
                tPrio = kv.optInt("prio");
                break;
            }
            case "sched_process_exec": {
                Kv kv = Kv.of(payload);
                String file = kv.get("filename");
                tPid = kv.pid("pid", "sched_process_exec fields filename=<path> pid=<n> old_pid=<n>");
                if (file == null) throw new Bad("sched_process_exec fields filename=<path> pid=<n> old_pid=<n>");
                tComm = file.substring(file.lastIndexOf('/') + 1);
                break;
            }
            case "sched_process_fork": {
                Kv kv = Kv.of(payload);
                String expected = "sched_process_fork fields comm=<name> pid=<n> child_comm=<name> child_pid=<n>";
                tComm = kv.get("comm");
                tPid = kv.pid("pid", expected);
                childComm = kv.get("child_comm");
                childPid = kv.pid("child_pid", expected);
                break;
            }
            default:
        }
    }

    private void switchFields() throws Bad {
        String expected = "sched_switch fields prev_comm= prev_pid= prev_prio= prev_state= ==> next_comm= next_pid= next_prio=";
        if (payload.contains("prev_pid=")) {
            Kv kv = Kv.of(payload);
            prevComm = kv.get("prev_comm");
            nextComm = kv.get("next_comm");
            prevState = kv.get("prev_state");
            if (prevComm == null || nextComm == null || prevState == null) throw new Bad(expected);
            if (prevState.endsWith("==>")) prevState = prevState.substring(0, prevState.length() - 3).trim();
            prevPid = kv.pid("prev_pid", expected);
            nextPid = kv.pid("next_pid", expected);
            prevPrio = kv.optInt("prev_prio");
            nextPrio = kv.optInt("next_prio");
        } else {
            int arrow = payload.indexOf(" ==> ");
            if (arrow < 0) throw new Bad(expected + " (or comm:pid [prio] S ==> comm:pid [prio])");
            String left = payload.substring(0, arrow).trim(), right = payload.substring(arrow + 5).trim();
            int sp = lastWs(left);
            if (sp < 0) throw new Bad("comm:pid [prio] <state> ==> comm:pid [prio] in sched_switch");
            prevState = left.substring(sp + 1);
            left = left.substring(0, sp).trim();
            int[] pp = new int[2];
            prevComm = commPid(left, pp);
            prevPid = pp[0];
            prevPrio = pp[1];
            nextComm = commPid(right, pp);
            nextPid = pp[0];
            nextPrio = pp[1];
        }
        if (prevState.isEmpty()) throw new Bad(expected);
        boolean numeric = true;
        for (int k = 0; k < prevState.length(); k++) numeric &= isDigit(prevState.charAt(k));
        if (numeric && prevState.length() > 12) throw new Bad("prev_state as a number below 10^12 or as letters such as S, D, R+");
        if (!numeric && !LETTERS.matcher(prevState).matches())
            throw new Bad("prev_state as a number or as letters such as S, D, R+, D|K");
    }

    private void wakeFields() throws Bad {
        String expected = event + " fields comm=<name> pid=<n> prio=<n> target_cpu=<n> (or comm:pid [prio] CPU:<n>)";
        if (payload.contains("pid=") || payload.startsWith("comm=")) {
            Kv kv = Kv.of(payload);
            tComm = kv.get("comm");
            tPid = kv.pid("pid", expected);
            tPrio = kv.optInt("prio");
            success = kv.optInt("success");
        } else {
            String p = payload;
            while (true) {
                int sp = lastWs(p);
                if (sp < 0) break;
                String last = p.substring(sp + 1);
                if (WAKE_TAIL.matcher(last).matches()) {
                    if (last.startsWith("success=")) success = Integer.parseInt(last.substring(8));
                    p = p.substring(0, sp).trim();
                } else {
                    break;
                }
            }
            int[] pp = new int[2];
            tComm = commPid(p, pp);
            tPid = pp[0];
            tPrio = pp[1];
        }
    }

    /** {@code comm:pid [prio]} → comm; pid and prio (or -1) into {@code out}. */
    private static String commPid(String s, int[] out) throws Bad {
        String expected = "comm:pid [prio]";
        s = s.trim();
        out[1] = -1;
        if (s.endsWith("]")) {
            int b = s.lastIndexOf('[');
            if (b < 0) throw new Bad(expected);
            String prio = s.substring(b + 1, s.length() - 1).trim();
            out[1] = parseInt(prio, 9, expected);
            s = s.substring(0, b).trim();
        }
        int c = s.lastIndexOf(':');
        if (c < 0) throw new Bad(expected);
        if (s.startsWith("-", c + 1)) throw new Bad(expected);
        out[0] = parseInt(s.substring(c + 1), 9, expected);
        return s.substring(0, c);
    }

    static int parseInt(String s, int maxDigits, String expected) throws Bad {
        boolean neg = s.startsWith("-");
        String d = neg ? s.substring(1) : s;
        if (d.isEmpty() || d.length() > maxDigits) throw new Bad(expected);
        int v = 0;
        for (int k = 0; k < d.length(); k++) {
            char ch = d.charAt(k);
            if (!isDigit(ch)) throw new Bad(expected);
            v = v * 10 + (ch - '0');
        }
        return neg ? -v : v;
    }

    /** {@code key=value} fields; a value runs to the next {@code key=} that starts a word, so it may hold spaces. */
    static final class Kv {
        final List<String> keys = new ArrayList<>();
        final List<String> values = new ArrayList<>();

        static Kv of(String p) {
            Kv kv = new Kv();
            int n = p.length();
            int lastKeyStart = -1, lastValueStart = -1;
            String lastKey = null;
            int i = 0;
            while (i < n) {
                if (i == 0 || ws(p.charAt(i - 1))) {
                    int j = i;
                    while (j < n && (Character.isLowerCase(p.charAt(j)) || p.charAt(j) == '_' || (j > i && isDigit(p.charAt(j))))) j++;
                    if (j > i && j < n && p.charAt(j) == '=') {
                        if (lastKey != null) {
                            kv.keys.add(lastKey);
                            kv.values.add(p.substring(lastValueStart, i).trim());
                        }
                        lastKey = p.substring(i, j);
                        lastKeyStart = i;
                        lastValueStart = j + 1;
                        i = j + 1;
                        continue;
                    }
                }
                i++;
            }
            if (lastKey != null && lastKeyStart >= 0) {
                kv.keys.add(lastKey);
                kv.values.add(p.substring(lastValueStart).trim());
            }
            return kv;
        }

        String get(String key) {
            int k = keys.indexOf(key);
            return k < 0 ? null : values.get(k);
        }

        int pid(String key, String expected) throws Bad {
            String v = get(key);
            if (v == null || v.startsWith("-")) throw new Bad(expected);
            return parseInt(v, 9, expected);
        }

        int optInt(String key) throws Bad {
            String v = get(key);
            if (v == null) return -1;
            return parseInt(v, 9, "an integer " + key + "=");
        }
    }

    static boolean ws(char c) { return c == ' ' || c == '\t'; }

    static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    private static int skipWs(String s, int i) {
        while (i < s.length() && ws(s.charAt(i))) i++;
        return i;
    }

    private static String token(String s, int i) {
        int j = i;
        while (j < s.length() && !ws(s.charAt(j))) j++;
        return s.substring(i, j);
    }

    private static int lastWs(String s) {
        for (int k = s.length() - 1; k >= 0; k--) if (ws(s.charAt(k))) return k;
        return -1;
    }
}
