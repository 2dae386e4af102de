// The rules of hostname destinations (Destination.fqdn, .fqdnPattern, .anySubdomainOf): what a
// valid name or pattern is, and the suggestion when it is not. Every suggestion is itself valid.
import { Problem } from './egress-error';
import { EgressErrorCode } from './errors';
import { isCidr, parseCidr } from '../util/cidr';

const HOST_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The three hostname destinations: an exact name, a one-label pattern, every subdomain. */
export enum HostForm { EXACT, PATTERN, SUFFIX }

const HOST_FACTORY: Record<HostForm, string> = {
  [HostForm.EXACT]: 'Destination.fqdn()',
  [HostForm.PATTERN]: 'Destination.fqdnPattern()',
  [HostForm.SUFFIX]: 'Destination.anySubdomainOf()',
};

/** A hostname destination's problems (none when valid). */
export function hostProblems(host: string, form: HostForm): Problem[] {
  const factory = HOST_FACTORY[form];
  const normalized = host.trim().toLowerCase().replace(/\.+$/, '');
  if (host !== normalized) {
    const again = hostProblems(normalized, form);
    if (again.length === 0) {
      return [{ code: EgressErrorCode.INVALID_FQDN, message: `Invalid hostname "${host}" in ${factory}: write it in lower case, without surrounding spaces or a trailing dot. Did you mean "${normalized}"?` }];
    }
    return [{ code: EgressErrorCode.INVALID_FQDN, message: `Invalid hostname "${host}" in ${factory}: write it in lower case, without surrounding spaces or a trailing dot; and then: ${again[0].message}` }];
  }
  if (host.includes('*')) return wildcardProblems(host, form);
  const labels = host.split('.');
  if (host.length > 253 || labels.length < 2 || !labels.every((l) => HOST_LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1])) {
    const expected = form === HostForm.SUFFIX
      ? 'expected a domain of at least two labels such as "googleapis.com" (every subdomain of a top-level domain would be most of the internet)'
      : form === HostForm.PATTERN
        ? 'expected a leading "*." and a domain of at least two labels, such as "*.example.com"'
        : 'expected a fully qualified name such as "api.example.com" (at least two labels of letters, digits and \'-\')';
    const ip = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? validSuggestion(`Destination.ipv4("${host}/32")`) : undefined;
    return [{
      code: EgressErrorCode.INVALID_FQDN,
      message: `Invalid hostname "${host}" in ${factory}: ${expected}.${form === HostForm.PATTERN && labels.length >= 2 && !host.startsWith('*') && hostProblems(host, HostForm.EXACT).length === 0
        ? ` Did you mean ${validSuggestion(`Destination.fqdn("${host}")`) ?? 'Destination.fqdn()'}?`
        : ip ? ` For an IP address use ${ip}` : ' For an IP address use Destination.ipv4() with a /32 mask'}`,
    }];
  }
  if (form === HostForm.PATTERN) {
    // A pattern without a wildcard: the exact name is what it matches.
    const fix = validSuggestion(`Destination.fqdn("${host}")`);
    return [{ code: EgressErrorCode.INVALID_FQDN, message: `Invalid hostname pattern "${host}" in ${factory}: only one leading wildcard label ("*.example.com") is supported.${fix ? ` Did you mean ${fix}?` : ''}` }];
  }
  return [];
}

/**
 * Problems of a name with a wildcard. The only suggestions are ones that match exactly what the
 * input reads as (never more): a leading `*.` is one label (`fqdnPattern`), a leading `**.` any
 * depth (`anySubdomainOf`); a wildcard anywhere else has no exact equivalent.
 */
function wildcardProblems(host: string, form: HostForm): Problem[] {
  const factory = HOST_FACTORY[form];
  const oneLabel = /^\*\.([^*]+)$/.exec(host);
  const anyDepth = /^\*\*\.([^*]+)$/.exec(host);
  if (form === HostForm.PATTERN && oneLabel) {
    const rest = hostProblems(oneLabel[1], HostForm.EXACT);
    if (rest.length === 0) return [];
    return [{
      code: EgressErrorCode.INVALID_FQDN,
      message: `Invalid hostname pattern "${host}" in ${factory}: after "*." ${rest[0].message.replace(/^Invalid hostname "[^"]*" in [^:]*: /, '')}`,
    }];
  }
  const alone = /^[*.]+$/.test(host);
  const ALONE = 'A wildcard alone would match every hostname: list the services\' hostnames or their domains';
  let hint: string;
  if (alone) {
    hint = ALONE;
  } else if (anyDepth) {
    // "**." is Cilium's spelling of any depth: exactly what anySubdomainOf() means.
    const fix = validSuggestion(`Destination.anySubdomainOf("${anyDepth[1]}")`);
    hint = fix ? `"**." means subdomains at any depth: use ${fix}` : 'List the hostnames with Destination.fqdn()';
  } else if (oneLabel) {
    const fix = validSuggestion(form === HostForm.SUFFIX ? `Destination.anySubdomainOf("${oneLabel[1]}")` : `Destination.fqdnPattern("${host}")`);
    hint = fix ? (form === HostForm.SUFFIX ? `Pass the domain alone: ${fix}` : `Use ${fix}`) : 'List the hostnames with Destination.fqdn()';
  } else {
    hint = 'A wildcard is only allowed as the first label: a wildcard inside a name or a label has no exact equivalent '
      + '(a one-label pattern or every subdomain of a shorter domain would match other names). List the hostnames with Destination.fqdn()';
  }
  const why = form === HostForm.SUFFIX ? 'no wildcard is needed'
    : form === HostForm.PATTERN ? 'only one leading wildcard label ("*.example.com") is supported'
      : 'a wildcard is only allowed as the first label of a pattern (Destination.fqdnPattern())';
  return [{ code: EgressErrorCode.INVALID_FQDN, message: `Invalid hostname${form === HostForm.PATTERN ? ' pattern' : ''} "${host}" in ${factory}: ${why}. ${hint}` }];
}

/**
 * `text` when the destination it writes is valid input, else undefined (a suggestion is never
 * refused in turn). Checked with the same rules the factories apply.
 */
function validSuggestion(text: string): string | undefined {
  const m = /^Destination\.(fqdn|fqdnPattern|anySubdomainOf|ipv4|ipv6)\("([^"]*)"\)$/.exec(text);
  if (!m) return undefined;
  const valid = m[1] === 'ipv4' ? isCidr(parseCidr(m[2], 4)) : m[1] === 'ipv6' ? isCidr(parseCidr(m[2], 6))
    : hostProblems(m[2], m[1] === 'fqdn' ? HostForm.EXACT : m[1] === 'fqdnPattern' ? HostForm.PATTERN : HostForm.SUFFIX).length === 0;
  return valid ? text : undefined;
}
