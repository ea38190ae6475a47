// The persona keys of a service's own TLS certificate (tls_cert, tls_key, tls_cn; read by
// the runtime's persona_tls), checked when the deployment is planned: both files or
// neither, each a readable file, the name one line.
#pragma once

namespace decnet::honeypot {

class PersonaReader;

// Throws PersonaError naming the key.
void check_tls_persona(const PersonaReader& persona);

}  // namespace decnet::honeypot
