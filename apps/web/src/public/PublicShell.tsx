import { useEffect, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { BrandMark } from '../components/Brand';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { usePublicStrings } from './strings';
import './public.css';

/** The city of the citizen pages: `?city=<code>`, or the server's default city. */
export function useCityParam(): string | undefined {
  const [params] = useSearchParams();
  return params.get('city')?.trim() || undefined;
}

/** A citizen page's path, keeping the city. */
export function withCity(path: string, city: string | undefined): string {
  return city ? `${path}?city=${encodeURIComponent(city)}` : path;
}

/**
 * The frame of the citizen pages: no app menu, the city's name, the page's name and the language
 * switch on top; links between reporting and tracking at the bottom. Mobile first, a narrow
 * column on a desktop.
 */
export function PublicShell({ cityName, title, children }: { cityName: string | undefined; title: string; children: ReactNode }) {
  const s = usePublicStrings();
  const city = useCityParam();
  useEffect(() => {
    document.title = cityName ? `${title} · ${cityName}` : title;
  }, [title, cityName]);
  return (
    <div className="cc-public">
      <header className="cc-public__header">
        <div className="cc-public__brand">
          <BrandMark size={30} />
          <div className="cc-public__titles">
            <div className="cc-public__city" data-testid="public-city">
              {cityName ?? '\u00a0'}
            </div>
            <h1 className="cc-public__title">{title}</h1>
          </div>
        </div>
        <LanguageSwitch />
      </header>
      <main className="cc-public__main">{children}</main>
      <nav className="cc-public__footer">
        <Link to={withCity('/report', city)}>{s.toReport}</Link>
        <span aria-hidden="true">·</span>
        <Link to={withCity('/track', city)}>{s.toTrack}</Link>
      </nav>
    </div>
  );
}
