// The cell-value rule in the browser: a line-by-line mirror of CellValueRule
// (src/EKIS.Reporting/Templates/CellValueRule.cs), which the server applies again to every save.
// A format is what the page receives from CellValueRule.Of (entry-data "rules"): entered, kind ("N",
// "C" or "" for none), digits, decimals, maxLength, min, max, list, dictionaryName, dictionary.
// Both are tested against one table of cases (tests/EKIS.Reporting.Tests/Templates/cell-value-cases.json).
(function (global) {
    'use strict';

    // Codes compare numerically when they are all digits ("01" = "1"), else case-insensitively (Codes.Key).
    function codeKey(code) {
        const s = (code || '').trim();
        if (s === '') return s;
        if (!/^[0-9]+$/.test(s)) return s.toUpperCase();
        return s.replace(/^0+/, '') || '0';
    }
    const sameCode = (a, b) => codeKey(a) === codeKey(b);

    // The number's written form (digits, at most one '.', a leading '-'; no leading zeros but one, no sign
    // on zero), or null. Typed text may group thousands with spaces and use a decimal comma and «−».
    function normalise(text, spelling) {
        let t = (text || '').trim();
        if (spelling === 'typed') {
            t = t.replace(/[ \u00A0\u202F]/g, '').replace(/,/g, '.');
            if (t.startsWith('\u2212')) t = '-' + t.slice(1);
        }
        const negative = t.startsWith('-');
        const body = negative ? t.slice(1) : t;
        const dot = body.indexOf('.');
        let whole = dot < 0 ? body : body.slice(0, dot);
        const frac = dot < 0 ? '' : body.slice(dot + 1);
        if (whole === '' || (dot >= 0 && frac === '') || !/^[0-9]*$/.test(whole) || !/^[0-9]*$/.test(frac)) return null;
        whole = whole.replace(/^0+/, '') || '0';
        const n = dot < 0 ? whole : whole + '.' + frac;
        return negative && /[1-9]/.test(n) ? '-' + n : n;
    }
    function parseWritten(text) {
        const n = normalise(text, 'written');
        return n === null ? null : Number(n);
    }
    function allowsNegative(f) {
        return (f.min !== null && f.min !== undefined && f.min < 0)
            || (f.list || []).some(x => { const d = parseWritten(x); return d !== null && d < 0; });
    }

    // 1, 21, 31… цифры; 0, 2–20, 22… цифр (genitive after «не более»).
    const digitsWord = n => (n % 10 === 1 && n % 100 !== 11) ? 'цифры' : 'цифр';

    // The one Russian wording of each reason (CellValueRule.Message).
    function message(reason, f, text) {
        switch (reason) {
            case 'not-entered': return 'ячейка не заполняется («х»)';
            case 'not-number': return '«' + text + '» — не число';
            case 'number-format':
                return 'число «' + text + '» не соответствует формату N(' + f.digits + ',' + f.decimals + '): не более ' + f.digits + ' '
                    + digitsWord(f.digits) + ' в целой части' + (f.decimals === 0 ? ', без дробной части' : ' и ' + f.decimals + ' в дробной');
            case 'negative': return 'отрицательное значение «' + text + '» недопустимо';
            case 'too-long': return 'текст из ' + text.length + ' симв., допускается не более ' + f.maxLength;
            case 'out-of-range': return 'значение «' + text + '» вне допустимого диапазона от ' + String(f.min) + ' до ' + String(f.max);
            case 'not-in-list': return 'значение «' + text + '» не входит в список допустимых: ' + (f.list || []).join(', ');
            case 'not-in-dictionary': return 'значения «' + text + '» нет в справочнике «' + f.dictionaryName + '»';
        }
        throw new Error('unknown reason ' + reason);
    }

    // {value} (null for an empty cell) or {reason, message} (CellValueRule.Check).
    function check(f, text, spelling) {
        let value = (text === null || text === undefined) ? '' : String(text).trim();
        if (value === '') return { value: null };
        const refused = reason => ({ value: null, reason: reason, message: message(reason, f, value) });
        if (!f.entered) return refused('not-entered');
        if (f.kind === 'N') {
            const n = normalise(value, spelling);
            if (n === null) return refused('not-number');
            const unsigned = n.replace(/^-/, '');
            const dot = unsigned.indexOf('.');
            const intDigits = dot < 0 ? unsigned.length : dot;
            const fracDigits = dot < 0 ? 0 : unsigned.length - dot - 1;
            if (intDigits > f.digits || fracDigits > f.decimals) return refused('number-format');
            if (n.startsWith('-') && !allowsNegative(f)) return refused('negative');
            const d = Number(n);
            const hasRange = f.min !== null && f.min !== undefined && f.max !== null && f.max !== undefined;
            if (hasRange && (d < f.min || d > f.max)) return refused('out-of-range');
            if (f.list && !f.list.some(x => parseWritten(x) === d)) return refused('not-in-list');
            if (f.dictionary && !f.dictionary.some(x => sameCode(x, n))) return refused('not-in-dictionary');
            return { value: n };
        }
        if (f.maxLength !== null && f.maxLength !== undefined && value.length > f.maxLength) return refused('too-long');
        if (f.list) {
            const item = f.list.find(x => sameCode(x, value));
            if (item === undefined) return refused('not-in-list');
            value = item;
        }
        if (f.dictionary) {
            const code = f.dictionary.find(x => sameCode(x, value));
            if (code === undefined) return refused('not-in-dictionary');
            value = code;
        }
        return { value: value };
    }

    global.EkisCellValue = { check: check, normalise: normalise, codeKey: codeKey };
})(window);
