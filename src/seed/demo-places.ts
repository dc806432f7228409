/**
 * Places for the demo data: Rheine's districts (Stadtteile) with plausible streets and postal codes,
 * and a few addresses in the neighbouring towns Emsdetten and Greven (district of Steinfurt).
 * Street lists are plausible demo values, not an official street register.
 */
import type { Weighted } from './demo-random';

export interface DemoDistrict {
  name: string;
  postalCode: string;
  streets: readonly string[];
}

export interface DemoMunicipality {
  key: string;
  locality: string;
  districts: Weighted<DemoDistrict>;
}

export const AGS_RHEINE = '05566076';
export const AGS_EMSDETTEN = '05566008';
export const AGS_GREVEN = '05566028';

const d = (name: string, postalCode: string, streets: string[], weight: number): readonly [DemoDistrict, number] => [
  { name, postalCode, streets },
  weight,
];

export const RHEINE: DemoMunicipality = {
  key: AGS_RHEINE,
  locality: 'Rheine',
  districts: [
    d(
      'Innenstadt',
      '48431',
      [
        'Emsstraße',
        'Marktstraße',
        'Münsterstraße',
        'Bahnhofstraße',
        'Kardinal-Galen-Ring',
        'Lingener Straße',
        'Poststraße',
        'Matthiasstraße',
        'Humboldtplatz',
      ],
      12,
    ),
    d(
      'Dorenkamp',
      '48431',
      [
        'Catenhorner Straße',
        'Bühnertstraße',
        'Lindenstraße',
        'Kolpingstraße',
        'Am Thie',
        'Waldhügel',
        'Windthorststraße',
        'Dorenkampstraße',
      ],
      15,
    ),
    d(
      'Schotthock',
      '48429',
      [
        'Schorlemerstraße',
        'Overbergstraße',
        'Ludgeristraße',
        'Sandkampstraße',
        'Hörstkamp',
        'Friedrich-Ebert-Straße',
        'Schotthockstraße',
      ],
      12,
    ),
    d(
      'Eschendorf',
      '48429',
      [
        'Eschendorfer Aue',
        'Ibbenbürener Straße',
        'Osnabrücker Straße',
        'Surenburgstraße',
        'Devesburgstraße',
        'Ahornstraße',
      ],
      10,
    ),
    d(
      'Dutum',
      '48429',
      ['Nienbergstraße', 'Dutumer Straße', 'Ludwig-Erhard-Straße', 'Thomas-Morus-Weg', 'Heinrich-Lübke-Straße'],
      8,
    ),
    d('Gellendorf', '48429', ['Gellendorfer Straße', 'Birkenallee', 'Wacholderweg', 'Am Bahndamm'], 6),
    d('Wietesch', '48431', ['Neuenkirchener Straße', 'Wieteschstraße', 'Rodder Damm', 'Am Sportplatz'], 6),
    d('Altenrheine', '48432', ['Altenrheiner Straße', 'Kanalweg', 'Zur Schleuse', 'Am Emsdeich'], 5),
    d('Kanalhafen', '48429', ['Hafenstraße', 'Am Kanalhafen', 'Speicherstraße'], 3),
    d('Bentlage', '48432', ['Bentlager Weg', 'Salinenstraße', 'Hünenborgstraße'], 3),
    d('Mesum', '48432', ['Alte Bahnhofstraße', 'Emsdettener Straße', 'Kirchstraße', 'Wiesenstraße', 'Sonnenstraße'], 8),
    d('Hauenhorst', '48432', ['Hauenhorster Straße', 'Am Hagen', 'Kapellenweg'], 4),
    d('Elte', '48432', ['Elter Straße', 'Eschweg', 'Am Mühlenbach'], 2),
    d('Rodde', '48432', ['Rodder Straße', 'Roddeweg', 'Am Kanal'], 2),
  ],
};

export const EMSDETTEN: DemoMunicipality = {
  key: AGS_EMSDETTEN,
  locality: 'Emsdetten',
  districts: [
    d('Innenstadt', '48282', ['Kirchstraße', 'Frauenstraße', 'Rheiner Straße', 'Grevener Damm'], 3),
    d('Westum', '48282', ['Westumer Landstraße', 'Am Westumer Bach'], 1),
    d('Hembergen', '48282', ['Hemberger Damm', 'Dorfstraße'], 1),
  ],
};

export const GREVEN: DemoMunicipality = {
  key: AGS_GREVEN,
  locality: 'Greven',
  districts: [
    d('Innenstadt', '48268', ['Marktstraße', 'Rathausstraße', 'Saerbecker Straße'], 3),
    d('Reckenfeld', '48268', ['Grevener Landstraße', 'Wittlerdamm'], 2),
  ],
};

/** ~95 % of households live in Rheine, a few in Emsdetten and Greven. */
export const MUNICIPALITIES: Weighted<DemoMunicipality> = [
  [RHEINE, 95],
  [EMSDETTEN, 3],
  [GREVEN, 2],
];
