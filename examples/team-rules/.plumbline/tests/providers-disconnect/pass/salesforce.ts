abstract class OAuthProvider {
  async disconnect() {
    await fetch(this.revokeUrl, { method: 'POST', body: this.token });
  }
}

export class SalesforceProvider extends OAuthProvider {
  revokeUrl = 'https://login.salesforce.com/services/oauth2/revoke';
}

export class ProviderRegistry {
  all() { return [new SalesforceProvider()]; }
}
